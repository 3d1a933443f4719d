"""The gateway's own Vietnamese texts (Rasa's answers live in domain/)."""

from __future__ import annotations

WELCOME = (
    "Xin chào! Tôi là trợ lý Trực Tết của Sở Khoa học và Công nghệ.\n"
    "Bạn đã được đăng ký nhận thông báo và nhắc hạn của Sở (gõ /unsubscribe để tắt).\n"
    "Để tôi trả lời đúng tỉnh và đơn vị của bạn, bạn là:"
)
ASK_ORGANISATION = "Tên đơn vị/doanh nghiệp của bạn? Ví dụ: «VNPT Hà Tĩnh»."
ASK_PROVINCE = "Đơn vị ở tỉnh/thành phố nào? Ví dụ: «Hà Tĩnh», «Bắc Ninh»."
BAD_PROVINCE = "Tôi chưa nhận ra tên tỉnh/thành phố. Ví dụ: «Hà Tĩnh», «Bắc Ninh», «Cần Thơ»."
ASK_SECTOR = "Lĩnh vực hoạt động?"
ONBOARDING_SKIPPED = (
    "Đã bỏ qua phần khai báo. Bạn vẫn hỏi được mọi điều, ví dụ: «Số điện thoại đường dây nóng "
    "Hà Tĩnh». Gõ /start để khai báo lại bất cứ lúc nào."
)
STAFF_NOT_SELF_DECLARED = (
    "Quyền cán bộ Sở do quản trị viên cấp. Hãy gửi mã Telegram của bạn ({user_id}) cho quản trị "
    "viên; trong lúc chờ, bạn vẫn hỏi đáp bình thường."
)
SUBSCRIBED = "Đã bật nhận thông báo và nhắc hạn của Sở cho cuộc trò chuyện này."
UNSUBSCRIBED = "Đã tắt nhận thông báo. Gõ /subscribe để bật lại."
NOT_SUBSCRIBED = "Cuộc trò chuyện này chưa đăng ký nhận thông báo. Gõ /subscribe để bật."
STAFF_ONLY = (
    "Xin lỗi, lệnh này chỉ dành cho cán bộ Sở đã được cấp quyền. Nếu bạn là cán bộ Sở, hãy nhờ "
    "quản trị viên cấp quyền (mã Telegram của bạn: {user_id})."
)
ADMIN_ONLY = "Xin lỗi, chỉ quản trị viên mới cấp hoặc thu hồi quyền cán bộ Sở."
STORE_DOWN = (
    "Xin lỗi, hệ thống dữ liệu của Sở đang tạm thời không truy cập được. "
    "Bạn vui lòng thử lại sau ít phút."
)
UNEXPECTED = "Xin lỗi, đã có lỗi khi xử lý tin nhắn này. Bạn vui lòng gửi lại sau ít phút."
STALE_BUTTON = "Nút này đã hết hạn. Bạn vui lòng gõ lại câu trả lời."
UNSUPPORTED_FILE = (
    "Tôi nhận được tệp {name} nhưng chưa đọc được loại tệp này. Danh sách trực: .xlsx hoặc .csv; "
    "công văn (cán bộ Sở): .docx, .pdf (kể cả bản scan), .txt hoặc trang web đã lưu (.html)."
)
FILE_TOO_BIG = "Tệp quá lớn (tối đa {limit} MB). Bạn vui lòng gửi tệp nhỏ hơn."

HELP_COMMON = (
    "Tôi trả lời về công văn trực Tết và nhận báo cáo của doanh nghiệp. Ví dụ:\n"
    "• «Số điện thoại đường dây nóng Hà Tĩnh», «hạn nộp báo cáo Bắc Ninh»\n"
    "• «Doanh nghiệp bưu chính Lạng Sơn phải làm gì?», «lịch nghỉ Tết»\n"
    "• «gửi danh sách trực» (hoặc dán danh sách, hoặc gửi tệp .xlsx/.csv)\n"
    "• «mất sóng 12 trạm BTS ở Kỳ Anh từ 8h30» để báo sự cố; «cập nhật sự cố SC-…»\n"
    "• «gửi báo cáo kết quả», «xem báo cáo của tôi»\n"
    "Lệnh: /start khai báo đơn vị · /subscribe, /unsubscribe nhận/tắt thông báo · /help"
)
HELP_DUTY = "\nCán bộ trực: «ai đang trực ở VNPT Hà Tĩnh bây giờ?» (đơn vị của bạn)."
HELP_STAFF = (
    "\nCán bộ Sở:\n"
    "• /broadcast <đối tượng> <nội dung> — đối tượng: all, pending (chưa nộp), tên tỉnh hoặc "
    "lĩnh vực (bưu chính, viễn thông…); /broadcast không kèm gì để chọn từng bước\n"
    "• /stats [tỉnh] — ai đã nộp gì, kèm biểu đồ · /pending [tỉnh] — ai chưa nộp\n"
    "• /export [tỉnh] — tệp Excel danh sách trực và báo cáo\n"
    "• gửi tệp công văn (.docx, .pdf, .txt) để nạp vào trợ lý"
)
HELP_ADMIN = "\nQuản trị viên: /grant <mã|@tên> cấp quyền cán bộ Sở · /revoke <mã|@tên> thu hồi."

COMMANDS = [
    ("start", "Bắt đầu, khai báo đơn vị và tỉnh"),
    ("help", "Tôi làm được gì"),
    ("subscribe", "Nhận thông báo và nhắc hạn của Sở"),
    ("unsubscribe", "Tắt nhận thông báo"),
]
STAFF_COMMANDS = [
    ("broadcast", "Gửi thông báo tới doanh nghiệp"),
    ("stats", "Thống kê đơn vị đã nộp báo cáo"),
    ("pending", "Đơn vị chưa nộp báo cáo"),
    ("export", "Xuất Excel danh sách trực và báo cáo"),
]
ADMIN_COMMANDS = [
    ("grant", "Cấp quyền cán bộ Sở"),
    ("revoke", "Thu hồi quyền cán bộ Sở"),
]
