"""The roster review loop: pasted lines, questions for what is missing, edits, removal, confirm."""

from __future__ import annotations

from datetime import datetime

from actions import roster_review as review
from vntext.timefmt import VN_TZ

AT = datetime(2026, 2, 5, 9, 0, tzinfo=VN_TZ)
PASTED = """Nguyễn Văn A - Phó Giám đốc - 0912345678 - 10/02 - trực lãnh đạo - 24/24
Trần Thị B | Trưởng ca | 0987 654 321 | từ 08/02 đến 10/02 | trực ca | 8h-17h
Lê Văn C - Kỹ thuật viên - 0911222333 - mùng 2 Tết"""


def run(messages: list[str], entries: list[review.Entry] | None = None) -> review.Step:
    """Feed messages as the form does: after each, the prompt sets what is being asked."""
    step = review.Step(entries or [], None, "VNPT Hà Tĩnh", [])
    for text in messages:
        step = review.review(text, step.entries, step.pending, step.organisation, AT)
        if not step.done:
            _, step.pending, _ = review.prompt(step.entries, step.pending, step.organisation)
    return step


def test_pasted_list_becomes_one_entry_per_person_and_day() -> None:
    step = run([PASTED])
    assert [e["full_name"] for e in step.entries] == ["Nguyễn Văn A"] + ["Trần Thị B"] * 3 + [
        "Lê Văn C"
    ]
    assert [e["duty_date"] for e in step.entries[1:4]] == ["2026-02-08", "2026-02-09", "2026-02-10"]
    assert (
        step.entries[4]["duty_date"] == "2026-02-18"
        and step.entries[4]["lunar_text"] == "mùng 2 Tết"
    )
    assert step.entries[0]["shift"]["all_day"] is True
    assert step.pending == {"field": "duty_type", "rows": [5], "explicit": False}
    text, _, buttons = review.prompt(step.entries, None, "VNPT Hà Tĩnh")
    assert "Dòng 5 (Lê Văn C): chưa có loại trực" in text
    assert {b["title"] for b in buttons} >= {"Trực lãnh đạo", "Ứng cứu thông tin"}


def test_only_missing_fields_are_asked_and_one_answer_fills_several_rows() -> None:
    step = run([PASTED, "Trực điều hành"])
    assert step.entries[4]["duty_type"] == "truc_dieu_hanh"
    assert step.pending == {"field": "shift", "rows": [5], "explicit": False}
    step = _answer(step, "7h30 đến 17h")
    assert (
        step.entries[4]["shift"]["start"] == "07:30" and step.entries[4]["shift"]["end"] == "17:00"
    )
    assert review.missing(step.entries) is None
    text, pending, buttons = review.prompt(step.entries, None, "VNPT Hà Tĩnh")
    assert pending is None and "(5 dòng)" in text and "xác nhận" in text
    assert [b["payload"] for b in buttons] == ["xác nhận", "hủy"]


def test_step_by_step_from_a_name() -> None:
    step = run(["Phạm Thu Hà"])
    assert step.pending and step.pending["field"] == "position"
    for answer, field in [
        ("Trưởng phòng Kỹ thuật", "phone"),
        ("0912 000 111", "duty_date"),
        ("29 tháng chạp", "duty_type"),
        ("ứng cứu thông tin", "shift"),
    ]:
        step = _answer(step, answer)
        assert step.pending and step.pending["field"] == field, (answer, step)
    step = _answer(step, "bỏ qua")
    [entry] = step.entries
    assert entry["duty_date"] == "2026-02-16" and entry["phone"] == "0912000111"
    assert (
        entry["shift"] is None and entry["shift_skipped"] and review.missing(step.entries) is None
    )
    assert _answer(step, "xác nhận").done


def _answer(step: review.Step, text: str) -> review.Step:
    step = review.review(text, step.entries, step.pending, step.organisation, AT)
    if not step.done:
        _, step.pending, _ = review.prompt(step.entries, step.pending, step.organisation)
    return step


def test_bad_values_are_explained_with_an_example() -> None:
    step = run(["Phạm Thu Hà", "Kỹ sư"])
    wrong = _answer(step, "0912")
    assert wrong.problem and "0912345678" in wrong.problem and wrong.pending == step.pending
    landline = _answer(step, "02053818657")
    assert landline.problem and "số cố định" in landline.problem
    day = _answer(_answer(step, "0912000111"), "30 tháng chạp")
    assert day.problem and "tháng Chạp" in day.problem  # 2026's lunar 12th month has 29 days


def test_edit_one_field_remove_and_confirm() -> None:
    step = run([PASTED, "trực điều hành", "24/24"])
    edited = _answer(step, "sửa số điện thoại dòng 2 thành 0901 234 567")
    assert edited.entries[1]["phone"] == "0901234567" and edited.entries[2]["phone"] == "0987654321"
    asked = _answer(edited, "sửa chức vụ của Nguyễn Văn A")
    assert asked.pending == {"field": "position", "rows": [1], "explicit": True}
    assert (
        "Nhập chức vụ mới cho dòng 1 (Nguyễn Văn A)"
        in review.prompt(asked.entries, asked.pending, None)[0]
    )
    changed = _answer(asked, "Giám đốc")
    assert changed.entries[0]["position"] == "Giám đốc" and changed.pending is None
    removed = _answer(changed, "xóa dòng 3")
    assert len(removed.entries) == 4 and "Đã xóa dòng 3 (Trần Thị B)." in removed.messages
    assert _answer(removed, "xóa dòng 9").problem == "Không có dòng 9; danh sách có 4 dòng."
    assert _answer(removed, "Xác nhận").done


def test_confirm_refused_while_something_is_missing() -> None:
    step = run([PASTED])
    refused = _answer(step, "xác nhận")
    assert not refused.done and "còn thiếu loại trực" in refused.messages[0]
    assert _answer(review.Step([], None, None, []), "xác nhận").problem


def test_more_lines_are_added_and_organisation_can_change() -> None:
    step = run([PASTED, "trực điều hành", "24/24"])
    step = _answer(step, "Đỗ Minh D - Nhân viên - 0933444555 - 11/02 - vận hành khai thác - ca đêm")
    assert len(step.entries) == 6 and step.entries[5]["shift"]["overnight"] is True
    renamed = _answer(step, "đổi đơn vị thành Viettel Hà Tĩnh")
    assert renamed.organisation == "Viettel Hà Tĩnh"


def test_payload_has_the_store_shape() -> None:
    step = run([PASTED, "trực điều hành", "bỏ qua"])
    [first, *_, last] = review.payload_entries(step.entries)
    assert first["all_day"] is True and first["shift_start"] is None
    assert first["phone"] == "0912345678" and first["duty_type"] == "truc_lanh_dao"
    assert last["shift_start"] is None and last["all_day"] is False


def test_commands() -> None:
    command = review.command_of("sua sdt dong 2 0912345678")
    assert (command.kind, command.field, command.rows, command.value) == (
        "edit",
        "phone",
        (2,),
        "0912345678",
    )
    assert review.command_of("sửa ngày dòng 3 thành mùng 2 Tết").value == "mùng 2 Tết"
    assert review.command_of("xoa 2 va 3").rows == (2, 3)
    assert review.command_of("Nguyễn Văn A - PGĐ").kind == ""
