"""The Telegram gateway end to end: fake Bot API server (real HTTP) → gateway → Rasa → actions →
store, and back. Runs on SQLite and PostgreSQL with the rest of the end-to-end suite.

The first test is the issue's acceptance scenario; it runs first in this module because a
broadcast to "all" reaches every chat subscribed so far.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from ops.stack import Stack
from tests.e2e.conftest import ADMIN_ID, STAFF_TOKEN
from tests.e2e.gateway import BOT_TOKEN, Gateway, wait_until
from tests.fake_telegram import FakeTelegram

STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
DIRECTIVES = Path(__file__).resolve().parents[2] / "data" / "directives"


@pytest.fixture(scope="module")
def telegram(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeTelegram]:
    with FakeTelegram(token=BOT_TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def gateway(
    stack: Stack, telegram: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    running = Gateway(stack, telegram.url, tmp_path_factory.mktemp("gateway"))
    running.start()
    try:
        assert wait_until(lambda: telegram.calls("getUpdates"), 60), running.log_tail()
        yield running
    finally:
        running.stop()


def texts_to(telegram: FakeTelegram, chat_id: int) -> list[str]:
    return [m["text"] for m in telegram.messages_to(chat_id) if m.get("text")]


def last_keyboard(telegram: FakeTelegram, chat_id: int) -> tuple[dict, list[dict]]:
    """The newest message with inline buttons sent to chat_id, and its buttons."""
    for message in reversed(telegram.messages_to(chat_id)):
        markup = message.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or []
        if rows:
            return message, [button for row in rows for button in row]
    raise AssertionError(f"no keyboard in chat {chat_id}: {texts_to(telegram, chat_id)}")


def press(telegram: FakeTelegram, user: int, title: str, chat_id: int | None = None) -> None:
    message, buttons = last_keyboard(telegram, chat_id or user)
    [button] = [b for b in buttons if b["text"] == title]
    telegram.press_button(user, message, button["callback_data"])


def test_acceptance_start_unsubscribe_hotline_refused_and_confirmed_broadcast(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    for user in (1001, 1002, 1003):
        telegram.send_text(user, "/start")
        telegram.wait_for_text(user, "Bạn đã được đăng ký nhận thông báo")
    telegram.send_text(1003, "/unsubscribe")
    telegram.wait_for_text(1003, "Đã tắt nhận thông báo")
    press(telegram, 1003, "Doanh nghiệp")  # going on with the profile does not subscribe again
    telegram.wait_for_text(1003, "Tên đơn vị")
    telegram.send_text(1001, "số điện thoại đường dây nóng Hà Tĩnh")
    hotline = telegram.wait_for_text(1001, "0914237788")
    assert "0911378999" in hotline["text"]
    telegram.send_text(1001, "/broadcast all Kiểm tra")
    telegram.wait_for_text(1001, "chỉ dành cho cán bộ Sở")
    telegram.send_text(ADMIN_ID, "/broadcast all Kiểm tra hệ thống trực Tết")
    preview = telegram.wait_for_text(ADMIN_ID, "2 người nhận")
    assert "Kiểm tra hệ thống trực Tết" in preview["text"]
    press(telegram, ADMIN_ID, "✅ Gửi")
    for user in (1001, 1002):
        telegram.wait_for_text(user, "Kiểm tra hệ thống trực Tết")
    telegram.wait_for_text(ADMIN_ID, "Đã gửi xong", timeout=20)
    for user in (1001, 1002):
        assert sum("Kiểm tra hệ thống trực Tết" in t for t in texts_to(telegram, user)) == 1
    assert not any("Kiểm tra hệ thống" in t for t in texts_to(telegram, 1003))
    assert telegram.calls("answerCallbackQuery")
    audit = httpx.get(f"{gateway.stack.store_url}/api/audit", headers=STAFF, timeout=10).json()
    assert any(
        a["user_id"] == "1001" and a["action"] == "broadcast" and not a["allowed"] for a in audit
    )


def test_onboarding_with_buttons_and_a_question_midway(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    user = 1101
    telegram.send_text(user, "/start", username="nv_vnpt")
    telegram.wait_for_text(user, "bạn là")
    press(telegram, user, "Doanh nghiệp")
    telegram.wait_for_text(user, "Tên đơn vị")
    telegram.send_text(user, "hạn nộp báo cáo Bắc Ninh là khi nào?")  # a question never waits
    telegram.wait_for_text(user, "09h00 ngày 23/02/2026")
    telegram.send_text(user, "Viettel Bắc Giang")
    telegram.wait_for_text(user, "tỉnh/thành phố nào")
    telegram.send_text(user, "Bắc Giang")
    telegram.wait_for_text(user, "nay thuộc Bắc Ninh")
    press(telegram, user, "Viễn thông")
    done = telegram.wait_for_text(user, "Thông tin đã lưu")
    assert "Viettel Bắc Giang · Bắc Ninh · Viễn thông" in done["text"]
    profile = httpx.get(
        f"{gateway.stack.store_url}/api/profiles/telegram/{user}",
        headers={"Authorization": f"Bearer {gateway.env()['STORE_API_TOKEN']}"},
        timeout=10,
    ).json()
    assert profile["province"] == "Bắc Ninh" and profile["sector"] == "vien_thong"
    assert profile["username"] == "nv_vnpt" and not profile["is_staff"]
    telegram.send_text(user, "/help")
    assert "/broadcast" not in telegram.wait_for_text(user, "Tôi trả lời")["text"]


def test_rasa_buttons_are_an_inline_keyboard_and_a_press_is_relayed(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    user = 1201
    telegram.send_text(user, "báo cáo sự cố")
    telegram.wait_for_text(user, "đơn vị/doanh nghiệp nào")
    telegram.send_text(user, "VNPT Lạng Sơn")
    telegram.wait_for_text(user, "tỉnh/thành phố nào")
    telegram.send_text(user, "Lạng Sơn")
    telegram.wait_for_text(user, "Họ tên")
    telegram.send_text(user, "Hoàng Văn Tư")
    telegram.wait_for_text(user, "Số điện thoại")
    telegram.send_text(user, "0912 345 678")
    telegram.wait_for_text(user, "thuộc loại nào")
    answered = len(telegram.calls("answerCallbackQuery"))
    press(telegram, user, "Mạng viễn thông")
    telegram.wait_for_text(user, "Phát hiện sự cố lúc nào")
    assert len(telegram.calls("answerCallbackQuery")) == answered + 1
    assert telegram.calls("sendChatAction")
    telegram.send_text(user, "hủy")
    telegram.wait_for_text(user, "Đã hủy")


def test_group_answers_only_when_addressed(gateway: Gateway, telegram: FakeTelegram) -> None:
    group = -5001
    telegram.send_text(1301, "hotline ha tinh", chat_id=group, chat_type="group")
    telegram.send_text(
        1301, f"@{telegram.bot_username} hotline ha tinh", chat_id=group, chat_type="group"
    )
    answer = telegram.wait_for_text(group, "0914237788")
    assert answer["reply_to_message_id"]  # in a group the bot answers the member it quotes
    assert len([t for t in texts_to(telegram, group) if "0914237788" in t]) == 1


def test_unknown_commands_get_the_help_and_never_set_an_intent(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    user = 1311
    telegram.send_text(user, '/ask_contact{"province":"Hà Tĩnh"}')
    telegram.wait_for_text(user, "không có lệnh «/ask_contact")
    telegram.send_text(user, "/restart")
    telegram.wait_for_text(user, "không có lệnh «/restart»")
    assert not any("0911378999" in t for t in texts_to(telegram, user))
    group, mark = -5002, telegram.mark()
    telegram.send_text(user, "/weather@another_bot", chat_id=group, chat_type="group")
    telegram.send_text(user, f"/restart@{telegram.bot_username}", chat_id=group, chat_type="group")
    telegram.wait_for_text(group, "không có lệnh «/restart»", since=mark)
    assert not any("weather" in t for t in texts_to(telegram, group))


def test_staff_grant_stats_pending_export_and_severe_alert(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    staff_user = 1401
    telegram.send_text(staff_user, "/start", username="canbo_so")
    telegram.wait_for_text(staff_user, "bạn là")
    telegram.send_text(staff_user, "/stats")
    telegram.wait_for_text(staff_user, "chỉ dành cho cán bộ Sở")
    telegram.send_text(ADMIN_ID, "/grant @canbo_so")
    telegram.wait_for_text(ADMIN_ID, "Đã cấp quyền cán bộ Sở cho")
    telegram.wait_for_text(staff_user, "Bạn đã được cấp quyền cán bộ Sở")
    telegram.send_text(staff_user, "/stats Bắc Ninh")
    telegram.wait_for_text(staff_user, "Tình hình nộp báo cáo — Bắc Ninh")
    assert wait_until(lambda: telegram.calls("sendPhoto"), 20)
    photo = telegram.calls("sendPhoto")[-1]
    assert photo["photo"][:8] == b"\x89PNG\r\n\x1a\n"
    telegram.send_text(staff_user, "/pending Bắc Ninh")
    telegram.wait_for_text(staff_user, "Chưa nộp báo cáo kết quả")
    telegram.send_text(staff_user, "/export")
    assert wait_until(lambda: telegram.calls("sendDocument"), 30)
    book = load_workbook(io.BytesIO(telegram.calls("sendDocument")[-1]["document"]))
    assert {"Danh sách trực", "Sự cố", "Báo cáo kết quả"} <= set(book.sheetnames)
    reporter = 1402
    telegram.send_text(reporter, "mất sóng 40 trạm BTS ở Cao Lộc từ 3h do bão")
    telegram.wait_for_text(reporter, "Sự cố xảy ra ở đơn vị")
    for answer in ("Viettel Lạng Sơn", "Lạng Sơn", "Lý Văn Hải", "0912 888 999", "Nghiêm trọng",
                   "Đã điều 5 máy phát", "không"):  # fmt: skip
        telegram.send_text(reporter, answer)
    telegram.wait_for_text(reporter, "Báo cáo sự cố sẽ gửi về Sở")
    assert not any("Mã tiếp nhận" in t for t in texts_to(telegram, reporter))  # not before «Gửi»
    press(telegram, reporter, "Gửi")
    telegram.wait_for_text(reporter, "Mã tiếp nhận: SC-")
    alert = telegram.wait_for_text(staff_user, "🚨 Sự cố mức Nghiêm trọng", timeout=30)
    assert "Viettel Lạng Sơn" in alert["text"] and "0912888999" in alert["text"]
    assert not any("🚨" in t for t in texts_to(telegram, 1001))  # enterprises never get it
    telegram.send_text(ADMIN_ID, "/revoke 1401")
    telegram.wait_for_text(ADMIN_ID, "Đã thu hồi quyền")
    telegram.send_text(staff_user, "/pending")
    assert wait_until(
        lambda: sum("chỉ dành cho cán bộ Sở" in t for t in texts_to(telegram, staff_user)) == 2, 20
    )


def test_roster_file_is_shown_then_filed_on_confirmation(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    user = 1501
    telegram.send_text(user, "/start")
    telegram.wait_for_text(user, "bạn là")
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Chức vụ", "Số điện thoại", "Ngày trực", "Loại trực", "Ca"])
    sheet.append(
        ["Nguyễn Văn A", "Phó Giám đốc", 912345678, "10/02/2026", "trực lãnh đạo", "24/24"]
    )
    sheet.append(["Trần Thị B", "Trưởng ca", "0987654321", "11/02/2026", "trực ca", "8h-17h"])
    content = io.BytesIO()
    book.save(content)
    telegram.send_document(user, "danh-sach-truc.xlsx", content.getvalue())
    telegram.wait_for_text(user, "đơn vị/doanh nghiệp nào")
    telegram.send_text(user, "Bưu điện tỉnh Hà Tĩnh")
    telegram.wait_for_text(user, "tỉnh/thành phố nào")
    telegram.send_text(user, "Hà Tĩnh")
    table = telegram.wait_for_text(user, "(2 dòng)")
    assert "Nguyễn Văn A — Phó Giám đốc" in table["text"] and "0912345678" in table["text"]
    press(telegram, user, "Xác nhận gửi")
    telegram.wait_for_text(user, "Mã tiếp nhận: TR-")
    params = {"submitter_channel": "telegram", "submitter_id": str(user)}
    entries = httpx.get(
        f"{gateway.stack.store_url}/api/roster-entries", params=params, headers=STAFF, timeout=10
    ).json()
    assert [e["full_name"] for e in entries] == ["Nguyễn Văn A", "Trần Thị B"]


def test_staff_directive_file_is_previewed_then_answerable_once_confirmed(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    text = (DIRECTIVES / "lang-son-2025-stttt-184-tet-at-ty.txt").read_text(encoding="utf-8")
    changed = text.replace("Lạng Sơn", "Cao Bằng").replace("LẠNG SƠN", "CAO BẰNG")
    changed = changed.replace("02053.818.657", "02063.852.222").replace("184 /", "15 /")
    telegram.send_document(1001, "cao-bang.txt", changed.encode())
    telegram.wait_for_text(1001, "Chỉ cán bộ Sở được nạp công văn")
    telegram.send_document(ADMIN_ID, "cao-bang-2025.txt", changed.encode())
    preview = telegram.wait_for_text(ADMIN_ID, "Bản xem trước", timeout=60)
    assert "Sở TT&TT Cao Bằng" in preview["text"] and "02063.852.222" in preview["text"]
    telegram.send_text(1002, "hotline Cao Bằng")
    telegram.wait_for_text(1002, "chưa có công văn")  # nothing is answered from a draft
    telegram.wait_for_text(ADMIN_ID, "Xác nhận")
    press(telegram, ADMIN_ID, "✅ Xác nhận, áp dụng")
    telegram.wait_for_text(ADMIN_ID, "Trợ lý đã trả lời được theo văn bản này", timeout=30)
    telegram.send_text(1002, "sdt duong day nong cao bang")
    telegram.wait_for_text(1002, "02063.852.222")


def test_staff_cancelled_directive_is_never_answered(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    text = (DIRECTIVES / "ha-tinh-2024-stttt-tet-giap-thin.txt").read_text(encoding="utf-8")
    changed = text.replace("Hà Tĩnh", "Kon Tum").replace("HÀ TĨNH", "KON TUM")
    mark = telegram.mark()  # earlier tests' previews went to the same staff chat
    telegram.send_document(ADMIN_ID, "kon-tum.txt", changed.encode())
    telegram.wait_for_text(ADMIN_ID, "Bản xem trước", timeout=60, since=mark)
    telegram.wait_for_text(ADMIN_ID, "Xác nhận", since=mark)
    press(telegram, ADMIN_ID, "Hủy")
    telegram.wait_for_text(ADMIN_ID, "Đã hủy, không nạp văn bản nào.", since=mark)
    telegram.send_text(1710, "hotline Kon Tum")
    telegram.wait_for_text(1710, "chưa có công văn")


def test_staff_name_the_province_when_the_document_does_not(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    article = (
        "Sở Khoa học và Công nghệ đề nghị các doanh nghiệp viễn thông tổ chức trực 24/24 trong "
        "dịp Tết Nguyên đán Đinh Mùi 2027, bố trí máy phát điện dự phòng cho các trạm BTS ở vùng "
        "sâu, vùng xa và báo cáo sự cố về Sở qua đường dây nóng 0905 111 222."
    )
    telegram.send_document(ADMIN_ID, "bai-viet.txt", article.encode())
    telegram.wait_for_text(ADMIN_ID, "Gõ tên tỉnh", timeout=60)
    telegram.send_text(ADMIN_ID, "Điện Biên")
    preview = telegram.wait_for_text(ADMIN_ID, "Tỉnh/thành phố: Điện Biên (do cán bộ nhập)")
    assert "Tết Đinh Mùi 2027" in preview["text"]
    telegram.wait_for_text(ADMIN_ID, "Xác nhận")
    press(telegram, ADMIN_ID, "✅ Xác nhận, áp dụng")
    telegram.wait_for_text(ADMIN_ID, "Đã thêm: bai-viet.txt", timeout=30)
    telegram.send_text(1702, "dien bien co yeu cau may phat dien du phong khong")
    telegram.wait_for_text(1702, "máy phát điện dự phòng")


def test_staff_organisation_list_makes_silent_enterprises_pending(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    listed = (
        "Tên đơn vị;Tỉnh;Lĩnh vực\nMobiFone Hà Tĩnh;Hà Tĩnh;Viễn thông\nViettel Post;Hà Tĩnh;\n"
    )
    telegram.send_document(ADMIN_ID, "don-vi.csv", listed.encode("utf-8-sig"))
    telegram.wait_for_text(ADMIN_ID, "Đã nạp danh sách đơn vị don-vi.csv: 2 đơn vị mới, 0 đơn vị")
    telegram.send_document(ADMIN_ID, "sai.csv", "Tên đơn vị,Tỉnh\nMobiFone,Sao Hỏa\n".encode())
    telegram.wait_for_text(ADMIN_ID, "Không nạp được sai.csv: Không biết tỉnh/thành phố «Sao Hỏa»")
    telegram.send_text(ADMIN_ID, "/pending Hà Tĩnh")
    pending = telegram.wait_for_text(ADMIN_ID, "Chưa nộp danh sách trực")
    assert "MobiFone Hà Tĩnh (Hà Tĩnh)" in pending["text"] and "Viettel Post" in pending["text"]


def test_step_by_step_broadcast_to_one_province_is_escaped(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    user = 1701
    telegram.send_text(user, "/start")
    telegram.wait_for_text(user, "bạn là")
    press(telegram, user, "Cán bộ trực")
    telegram.wait_for_text(user, "Tên đơn vị")
    telegram.send_text(user, "VNPT Hà Tĩnh")
    telegram.wait_for_text(user, "tỉnh/thành phố nào")
    telegram.send_text(user, "ha tinh")
    telegram.wait_for_text(user, "Lĩnh vực")
    press(telegram, user, "Viễn thông")
    telegram.wait_for_text(user, "Thông tin đã lưu")
    telegram.send_text(ADMIN_ID, "/broadcast")
    telegram.wait_for_text(ADMIN_ID, "Gửi thông báo tới ai?")
    press(telegram, ADMIN_ID, "Một tỉnh")
    telegram.wait_for_text(ADMIN_ID, "Tên tỉnh/thành phố nhận thông báo")
    telegram.send_text(ADMIN_ID, "Hà Tĩnh")
    telegram.wait_for_text(ADMIN_ID, "Nội dung thông báo gửi tỉnh Hà Tĩnh")
    telegram.send_text(ADMIN_ID, "Giao ban <b>8h</b> & báo cáo trước 9h")
    preview = telegram.wait_for_text(ADMIN_ID, "gửi tới tỉnh Hà Tĩnh: 1 người nhận")
    assert "Giao ban <b>8h</b> & báo cáo" in preview["text"]
    press(telegram, ADMIN_ID, "✅ Gửi")
    notice = telegram.wait_for_text(user, "Giao ban")
    assert (
        notice["parse_mode"] == "HTML" and "&lt;b&gt;8h&lt;/b&gt; &amp; báo cáo" in notice["text"]
    )
    assert not any("Giao ban" in t for t in texts_to(telegram, 1001))  # another province
    telegram.wait_for_text(
        ADMIN_ID, "Đã gửi xong thông báo tới tỉnh Hà Tĩnh: 1 đã nhận", timeout=30
    )


def test_blocked_user_is_unsubscribed_and_rate_limits_are_honoured(
    gateway: Gateway, telegram: FakeTelegram
) -> None:
    for user in (1601, 1602):
        telegram.send_text(user, "/start")
        telegram.wait_for_text(user, "bạn là")
    telegram.block(1601)
    telegram.send_text(ADMIN_ID, "/broadcast all Nhắc lịch trực đêm giao thừa")
    telegram.wait_for_text(ADMIN_ID, "Nhắc lịch trực đêm giao thừa")
    telegram.fail_next("sendMessage", status=429, retry_after=1, count=2)  # honoured, not fatal
    seen = telegram.mark()
    press(telegram, ADMIN_ID, "✅ Gửi")
    final = telegram.wait_for_text(
        ADMIN_ID, "Đã gửi xong thông báo tới tất cả", timeout=30, since=seen
    )
    assert "1 đã chặn bot" in final["text"]
    assert sum("Nhắc lịch trực" in t for t in texts_to(telegram, 1602)) == 1
    subscription = httpx.get(
        f"{gateway.stack.store_url}/api/subscriptions/telegram/1601",
        headers={"Authorization": f"Bearer {gateway.env()['STORE_API_TOKEN']}"},
        timeout=10,
    ).json()
    assert subscription["active"] is False and subscription["reason"] == "blocked"
