"""Duty rosters through the real Rasa model, action server and store, and the faults around them.

A pasted list becomes a table, only what is missing is asked, one field is corrected, the roster is
confirmed and lands in the store once; Rasa and the action server restart mid-conversation without
losing what the user typed.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot.relay import Profile
from ops.stack import Stack
from tests.e2e.chat import Chat

PASTED = """Nguyễn Văn A - Phó Giám đốc - 0912345678 - 10/02 - trực lãnh đạo - 24/24
Trần Thị B | Trưởng ca | 0987 654 321 | từ 08/02 đến 10/02 | trực ca | 8h-17h
Lê Văn C - Kỹ thuật viên - 0911222333 - mùng 2 Tết"""
ROSTERS = "/api/roster-entries"


def test_pasted_list_is_reviewed_corrected_and_filed_once(stack: Stack) -> None:
    chat = Chat(stack)
    first = chat.say(PASTED)  # no command: the pasted rows alone start the roster
    assert "Đã đọc 5 dòng" in first and "Dòng 5 (Lê Văn C): chưa có loại trực" in first
    assert {b.title for b in chat.replies[-1].buttons} >= {"Trực điều hành", "Trực ca"}
    assert "chưa có ca trực" in chat.say("Trực điều hành")
    table = chat.say("7h30 đến 17h")
    assert "(5 dòng)" in table and "Trực ca · 09/02/2026 · 08:00–17:00 · 0987654321" in table
    assert "Đã ghi số điện thoại di động cho dòng 3 (Trần Thị B)" in chat.say(
        "sửa số điện thoại dòng 3 thành 0901 234 567"
    )
    assert "Đã xóa dòng 4 (Trần Thị B)" in chat.say("xóa dòng 4")
    done = chat.say("xác nhận")
    assert "Mã tiếp nhận: TR-2026-" in done and "(3 người, 4 dòng)" in done
    entries = chat.records(ROSTERS)  # the store lists them by duty date
    assert [(e["full_name"], e["duty_date"], e["phone_display"]) for e in entries] == [
        ("Trần Thị B", "2026-02-08", "0987654321"),
        ("Trần Thị B", "2026-02-09", "0901234567"),
        ("Nguyễn Văn A", "2026-02-10", "0912345678"),
        ("Lê Văn C", "2026-02-18", "0911222333"),
    ]
    leader, last = entries[2], entries[3]
    assert leader["all_day"] and leader["duty_type"] == "truc_lanh_dao"
    assert last["lunar_text"] == "mùng 2 Tết" and last["duty_type"] == "truc_dieu_hanh"
    assert last["shift_start"] == "07:30:00" and entries[0]["position"] == "Trưởng ca"
    assert {e["organisation"] for e in entries} == {"VNPT Hà Tĩnh"}
    assert entries[0]["reference"] in done


def test_step_by_step_with_a_question_midway_and_cancel(stack: Stack) -> None:
    chat = Chat(stack, Profile(role="doanh_nghiep", province="Bắc Ninh"))
    first = chat.say("gửi danh sách trực tết")
    assert "đơn vị/doanh nghiệp nào" in first and "chưa nhận ra" not in first
    assert "mỗi người một dòng" in chat.say("Bưu điện tỉnh Bắc Ninh")
    assert "chưa có chức vụ" in chat.say("Phạm Thu Hà")
    assert "chưa có số điện thoại" in chat.say("Trưởng phòng")
    assert "Ví dụ: 0912345678" in chat.say("0912")
    answer = chat.say("hạn nộp báo cáo là khi nào?")
    assert "09h00 ngày 23/02/2026" in answer and "chưa có số điện thoại" in answer
    assert "chưa có ngày trực" in chat.say("0912 000 111")
    assert "Đã hủy" in chat.say("hủy")
    assert chat.records(ROSTERS) == []


def test_rasa_restart_mid_form_resumes_where_it_was(stack: Stack) -> None:
    chat = Chat(stack)
    assert "chưa có loại trực" in chat.say(PASTED)
    stack.stop(["rasa"])
    stack.start(timeout=240)
    assert "chưa có ca trực" in chat.say("trực điều hành")  # the five rows were kept
    assert "(5 dòng)" in chat.say("24/24")
    assert "TR-2026-" in chat.say("xác nhận")
    assert len(chat.records(ROSTERS)) == 5


def test_action_server_restart_between_answers_loses_nothing(stack: Stack) -> None:
    chat = Chat(stack)
    assert "chưa có loại trực" in chat.say(PASTED)
    stack.stop(["actions"])
    stack.start()
    assert "chưa có ca trực" in chat.say("trực điều hành")
    assert "(5 dòng)" in chat.say("bỏ qua")


def test_confirm_pressed_twice_files_one_roster(stack: Stack) -> None:
    chat = Chat(stack)
    chat.say("Đỗ Minh D - Nhân viên - 0933444555 - 11/02 - vận hành khai thác - ca đêm")
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: Chat.say(chat, "xác nhận"), range(2)))
    assert sum("Mã tiếp nhận: TR-" in answer for answer in answers) == 1, answers
    assert len(chat.records(ROSTERS)) == 1
