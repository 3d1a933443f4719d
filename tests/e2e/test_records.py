"""'Ai đang trực?' and 'xem báo cáo của tôi' through the real stack; personal data by role."""

from __future__ import annotations

import uuid

import httpx

from bot.relay import Profile
from ops.stack import Stack
from tests.e2e.chat import Chat
from tests.e2e.conftest import SERVICE_TOKEN


def post_roster(stack: Stack) -> str:
    body = {
        "idempotency_key": f"roster-{uuid.uuid4().hex}",
        "submitter": {"channel": "test", "id": "roster-admin"},
        "organisation": "VNPT Hà Tĩnh",
        "province": "Hà Tĩnh",
        "entries": [
            {
                "duty_type": "truc_lanh_dao",
                "duty_date": "2026-02-20",  # the stack's clock is fixed on this day
                "shift": "24/24",
                "full_name": "Phạm Minh Quân",
                "position": "Phó Giám đốc",
                "phone": "0913111222",
            }
        ],
    }
    headers = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    response = httpx.post(
        f"{stack.store_url}/api/roster-entries", json=body, headers=headers, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()["reference"]


def test_duty_officer_sees_who_is_on_duty_and_an_enterprise_does_not(stack: Stack) -> None:
    """Names and phones by the role the store holds, whatever the chat's profile claims."""
    post_roster(stack)
    officer = Chat(stack, Profile(role="can_bo_truc", province="Hà Tĩnh"))
    officer.declare("can_bo_truc", "vnpt ha tinh", phone="0913 111 222")  # on VNPT's roster
    answer = officer.say("ai đang trực ở VNPT Hà Tĩnh bây giờ")
    assert "Phạm Minh Quân" in answer and "0913111222" in answer and "Trực lãnh đạo" in answer
    other = Chat(stack, Profile(role="can_bo_truc"))
    other.declare("can_bo_truc", "Viettel Hà Tĩnh", phone="0913 111 222")
    limited = other.say("ai đang trực ở VNPT Hà Tĩnh bây giờ")
    assert "0913111222" not in limited and "Phạm Minh Quân" not in limited
    staff = Chat(stack, Profile(role="staff", province="Hà Tĩnh"))
    staff.grant_staff()
    assert "0913111222" in staff.say("ai đang trực ở VNPT Hà Tĩnh bây giờ")
    claims_staff = Chat(stack, Profile(role="staff", province="Hà Tĩnh"))
    claims_staff.declare("doanh_nghiep", "Viettel Hà Tĩnh")
    refused = claims_staff.say("ai đang trực ở VNPT Hà Tĩnh bây giờ")
    assert "0913111222" not in refused and "Phạm Minh Quân" not in refused


def test_my_reports_lists_only_my_own_references(stack: Stack) -> None:
    mine = Chat(stack, Profile(organisation="Bưu điện tỉnh Bắc Ninh", province="Bắc Ninh"))
    mine.say("gửi báo cáo kết quả")
    mine.say("Đảm bảo bưu gửi KT1 thông suốt 24/24, không có sự cố lớn.")
    summary = mine.say("bỏ qua")
    assert "Mã tiếp nhận" not in summary  # nothing filed before «Gửi»
    done = mine.say("gửi")
    reference = done.split("Mã tiếp nhận: ")[1].split(".")[0]
    listed = mine.say("xem báo cáo của tôi")
    assert reference in listed
    stranger = Chat(stack, Profile(organisation="Viettel Bắc Ninh", province="Bắc Ninh"))
    assert reference not in stranger.say("xem báo cáo của tôi")
