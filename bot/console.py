"""Console channel: an interactive Vietnamese chat in the terminal, or one-shot with --say."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from bot.relay import RasaRelay, Reply

CHANNEL = "console"
PROMPT = "Bạn: "
EXIT_WORDS = {"/thoat", "/thoát", "/exit", "/quit"}


def render(replies: list[Reply]) -> str:
    """Replies as terminal text; buttons are numbered so the user can type the number."""
    lines: list[str] = []
    for reply in replies:
        lines.append(f"Bot: {reply.text}" if reply.text else "Bot:")
        lines += [f"  [{i}] {b.title}" for i, b in enumerate(reply.buttons, start=1)]
        if reply.image:
            lines.append(f"  (ảnh: {reply.image})")
    return "\n".join(lines)


def _button_payload(text: str, last: list[Reply]) -> str | None:
    buttons = [b for reply in last for b in reply.buttons]
    if text.strip().isdigit() and 1 <= int(text) <= len(buttons):
        return buttons[int(text) - 1].payload
    return None


async def say(relay: RasaRelay, sender: str, text: str) -> int:
    """One-shot: print the replies; exit status 1 when the stack could not answer."""
    replies = await relay.send(CHANNEL, sender, text)
    print(render(replies))
    return 1 if any(r.is_fault for r in replies) else 0


def chat(runner: asyncio.Runner, relay: RasaRelay, sender: str) -> int:
    """Interactive loop until EOF, Ctrl-C or /thoat.

    input() runs on the main thread, outside the event loop, so Ctrl-C interrupts it at once
    (a reader thread would keep the process alive until Enter).
    """
    print("Trợ lý Trực Tết — gõ câu hỏi rồi Enter; gõ số để bấm nút; /thoat để thoát.")
    last: list[Reply] = []
    while True:
        try:
            text = input(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.strip().lower() in EXIT_WORDS:
            return 0
        payload = _button_payload(text, last)
        message = payload or text
        last = runner.run(relay.send(CHANNEL, sender, message, button=payload is not None))
        print(render(last), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Trò chuyện với trợ lý Trực Tết trong terminal.")
    parser.add_argument("--say", help="gửi một câu, in câu trả lời rồi thoát")
    parser.add_argument(
        "--sender", default=getpass.getuser(), help="mã người dùng (mặc định: tên máy)"
    )
    parser.add_argument(
        "--rasa-url", default=None, help="mặc định RASA_URL hoặc http://127.0.0.1:5005"
    )
    args = parser.parse_args(argv)
    with asyncio.Runner() as runner:
        relay = RasaRelay(args.rasa_url)
        runner.run(relay.__aenter__())
        try:
            if args.say is not None:
                return runner.run(say(relay, args.sender, args.say))
            return chat(runner, relay, args.sender)
        finally:
            runner.run(relay.aclose())


if __name__ == "__main__":
    sys.exit(main())
