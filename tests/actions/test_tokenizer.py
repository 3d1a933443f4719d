"""The Vietnamese tokenizer component: folded tokens, original offsets, NFD input."""

from __future__ import annotations

import unicodedata

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.vietnamese_tokenizer import VietnameseTokenizer


def tokenize(text: str) -> list[Token]:
    tokenizer = VietnameseTokenizer(VietnameseTokenizer.get_default_config())
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    return message.get(TOKENS_NAMES[TEXT])


def test_accented_and_unaccented_give_the_same_tokens() -> None:
    accented = [t.text for t in tokenize("Số điện thoại đường dây nóng Hà Tĩnh?")]
    plain = [t.text for t in tokenize("so dien thoai DUONG DAY NONG ha tinh")]
    assert accented == plain == ["so", "dien", "thoai", "duong", "day", "nong", "ha", "tinh"]


def test_offsets_point_into_the_original_nfd_text() -> None:
    text = unicodedata.normalize("NFD", "Lạng Sơn ơi")
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["lang", "son", "oi"]
    assert unicodedata.normalize("NFC", text[tokens[1].start : tokens[1].end]) == "Sơn"


def test_emoji_only_message_has_no_tokens_and_does_not_fail() -> None:
    assert tokenize("😀🎉") == []
