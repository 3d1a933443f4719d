"""The Telegram gateway (python-telegram-bot 22): onboarding, chat relay to Rasa, staff tools,
broadcasts, reminders and alerts.

`python -m bot.telegram_channel`: polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set
(TELEGRAM_WEBHOOK_SECRET is then required). TELEGRAM_BASE_URL points it at another Bot API server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from urllib.parse import urlparse

import uvicorn
from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import broadcasts, chat, directive_drafts, files, jobs, onboarding, staff, texts
from bot.config import GatewaySettings
from bot.ordering import PerChatUpdateProcessor
from bot.outbox import Outbox
from bot.pacing import PacedRateLimiter, SendPacer
from bot.people import People
from bot.relay import RasaRelay
from bot.store_api import StoreAPI, StoreRejected, StoreUnavailable
from common import logs

log = logging.getLogger("bot")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the bot does for this user's role."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    people: People = context.bot_data["people"]
    person = await people.get(user.id)
    text = texts.HELP_COMMON
    if person.privileged or person.role == "can_bo_truc":
        text += texts.HELP_DUTY
    if person.privileged:
        text += texts.HELP_STAFF
    if person.is_admin:
        text += texts.HELP_ADMIN
    await message.reply_text(text)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log (without the token) and tell the user; the gateway keeps running."""
    log.error("handler failed: %s", type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, texts.UNEXPECTED)


def build_application(settings: GatewaySettings, relay: RasaRelay, store: StoreAPI) -> Application:
    """Handlers, rate limits and per-chat ordering; TELEGRAM_BASE_URL for a local Bot API server."""
    builder = (
        Application.builder()
        .token(settings.token)
        .rate_limiter(
            PacedRateLimiter(
                SendPacer(settings.send_rate),
                group_max_rate=settings.group_rate_per_minute,
                max_retries=1,
            )
        )
        .concurrent_updates(PerChatUpdateProcessor(64))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if settings.base_url:
        base = settings.base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    if settings.webhook_url:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data.update(
        settings=settings,
        relay=relay,
        store=store,
        people=People(store, settings.admin_ids),
        admin_ids=settings.admin_ids,
        max_file_bytes=settings.max_file_bytes,
        text_steps=[onboarding.take_text, broadcasts.take_text, directive_drafts.take_text],
    )
    _add_handlers(application)
    return application


def _add_handlers(application: Application) -> None:
    commands = {
        "start": onboarding.start,
        "help": help_command,
        "subscribe": onboarding.subscribe,
        "unsubscribe": onboarding.unsubscribe,
        "broadcast": broadcasts.broadcast,
        "stats": staff.stats,
        "pending": staff.pending,
        "export": staff.export,
        "grant": staff.grant,
        "revoke": staff.revoke,
    }
    for name, handler in commands.items():
        application.add_handler(CommandHandler(name, handler))
    application.add_handler(
        CallbackQueryHandler(onboarding.on_button, pattern=f"^{onboarding.PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(broadcasts.on_button, pattern=f"^{broadcasts.PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(directive_drafts.on_button, pattern=f"^{directive_drafts.PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(chat.on_rasa_button, pattern=f"^{chat.RASA_PREFIX}")
    )
    application.add_handler(MessageHandler(filters.Document.ALL, files.on_document))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, chat.on_text))
    # Last: commands the handlers above did not take get the help.
    application.add_handler(MessageHandler(filters.COMMAND, chat.on_unknown_command))
    application.add_error_handler(on_error)


async def _post_init(application: Application) -> None:
    """Menu, admins as staff, the outbox worker and the scheduled jobs."""
    settings: GatewaySettings = application.bot_data["settings"]
    store: StoreAPI = application.bot_data["store"]
    await application.bot.set_my_commands([BotCommand(n, t) for n, t in texts.COMMANDS])
    for admin in sorted(settings.admin_ids):
        try:
            await store.grant(admin, admin)
        except (StoreUnavailable, StoreRejected) as error:
            log.warning("admin %s not recorded as staff yet: %s", admin, error)
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, PacedRateLimiter)
    outbox = Outbox(application.bot, store, limiter.pacer, settings.outbox_poll_seconds)
    application.bot_data["outbox"] = outbox
    await outbox.start()
    jobs.schedule(application, settings.reminder_check_seconds, settings.alert_poll_seconds)


async def _post_stop(application: Application) -> None:
    """Finish in-flight sends before the bot closes its connections."""
    outbox: Outbox | None = application.bot_data.get("outbox")
    if outbox is not None:
        await outbox.stop()


async def _post_shutdown(application: Application) -> None:
    await application.bot_data["store"].aclose()
    await application.bot_data["relay"].aclose()


async def _run_webhook(application: Application, settings: GatewaySettings) -> None:
    """Webhook mode: our Starlette server feeds the Application until SIGINT/SIGTERM."""
    if not settings.webhook_secret:
        raise SystemExit("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL")
    from bot.webhook import webhook_app

    path = urlparse(settings.webhook_url).path or "/telegram"
    server = uvicorn.Server(
        uvicorn.Config(
            webhook_app(application, path, settings.webhook_secret),
            host=settings.webhook_listen,
            port=settings.webhook_port,
            log_level="warning",
        )
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with application:
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        await application.start()
        serving = asyncio.create_task(server.serve())
        await stop.wait()
        server.should_exit = True
        await serving
        await application.stop()


def main() -> None:
    logs.configure()  # httpx quiet too: its INFO lines contain the bot token
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per job run otherwise
    settings = GatewaySettings()
    if not settings.token:
        raise SystemExit("TELEGRAM_BOT_TOKEN is not set")
    relay = RasaRelay()
    store = StoreAPI(settings.store_url, settings.store_token, settings.store_timeout)
    application = build_application(settings, relay, store)
    try:
        if settings.webhook_url:
            asyncio.run(_run_webhook(application, settings))
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    except InvalidToken:
        # PTB's message repeats the token; the log must not.
        log.error("Telegram rejected TELEGRAM_BOT_TOKEN; check the token (and TELEGRAM_BASE_URL)")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
