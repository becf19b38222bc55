"""IVS Chat message review handler: adapts the Lambda event to chatmod's reviewer.

IVS's 200 ms include Lambda init, so on demand import does only what the first answer needs:
settings, the policy compiled into a rules-only reviewer (no X-ray SDK unless tracing is on).
Once the first answer is given (or after a second without one), a background thread loads the
model (and swaps in a reviewer that uses it), creates the escalation sender, reads the IP hash
key and loads the language detector.
Until the model is ready, answers are the rules' alone, counted as ``RulesOnlyAnswers`` and
queued for the second opinion, so the model still sees every delivered message.

Under provisioned concurrency and SnapStart (``AWS_LAMBDA_INITIALIZATION_TYPE``), init runs
before any message and the environment is then frozen, so a background thread would sleep
until the first message: there init loads everything itself, and the first message is judged
by the model. After a SnapStart restore, what must differ per instance is made again (the
instance's IP hash key) and the policy is checked at once (the snapshot may be old).

Each review has an internal deadline (``chatmod.deadline``): 150 ms from invocation start, or
sooner when the Lambda context has less left. A stage that no longer fits is skipped (the model:
the rules answer alone; attribution: the message goes out with its gray zone), counted as
``DeadlineAnswer`` by stage and queued for the second opinion, so IVS never times out.

The policy is live (``chatmod.policy_source``): a changed SSM parameter or AppConfig profile
is fetched, compiled and warmed in the background and swapped in when ready; a failure keeps
the last good policy (``PolicyReloadFailed``), never the fail mode. A new instance that cannot
read its source at all answers by the bundled policy or the fail mode (``PolicyUnavailable``),
logged and counted (``PolicySourceUnavailable``, ``DegradedAnswers``) until a check reads it.
Every invocation returns a valid response: a bad event or an internal error yields the
configured fail-mode result, logged and counted.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from typing import Any, NamedTuple

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from chatmod.audit import IpHasher, audit_record
from chatmod.aws.policy_sources import policy_source
from chatmod.aws.tracing import trace_handler
from chatmod.compile import SharedChecks
from chatmod.contract import ReviewRequest
from chatmod.deadline import Deadline, invocation_deadline
from chatmod.escalation.recent import RecentMessages
from chatmod.escalation.trigger import escalation_record
from chatmod.failsafe import fail_response
from chatmod.moderation.enforce import SANCTION_CATEGORY, sanctioned_review
from chatmod.moderation.tables import is_table
from chatmod.pipeline import (
    Review,
    Reviewer,
    load_model_from_settings,
    load_multilingual_from_settings,
)
from chatmod.policy import excerpt, parse_policy, with_max_length
from chatmod.policy_source import BundledPolicySource, LivePolicy
from chatmod.settings import Settings

SERVICE = "chatmod-review"
# IVS waits 200 ms for the whole invocation; the escalation send gets what is left until this
# mark, keeping room for the response, the audit line and the metrics flush.
ESCALATION_DEADLINE_MS = 150.0
NAMESPACE = "chatmod"
MAX_DEFERRED_ESCALATIONS = 500  # records kept while the sender is being created
# True once the queue setting turns out not to be a queue URL (escalations off on purpose).
ESCALATIONS_OFF = False

# A review hands the GIL to a background load or reload each time the model runs (ONNX Runtime
# releases it) and waits up to this long to get it back: 1 ms instead of CPython's 5 ms. With a
# 200-room reload running, reviews every 10 ms on one core took p99 13-18 ms instead of 24-42 ms
# and were late by p99 28-36 ms instead of 65-80 ms (bench/big_policy.py).
SWITCH_INTERVAL_S = 0.001
sys.setswitchinterval(SWITCH_INTERVAL_S)

settings, SETTINGS_ERRORS = Settings.load_tolerant()
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
traced = trace_handler(SERVICE)  # X-ray only when the stack turns tracing on
for _error in SETTINGS_ERRORS:
    logger.error("invalid setting ignored, its default is used", extra={"setting": _error})


def _count_now(name: str) -> None:
    """A metric written at once (background work has no invocation flush to ride on)."""
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=NAMESPACE) as m:
        m.add_dimension("service", SERVICE)


SECOND_OPINION = settings.second_opinion != "none"
# Each sender's last delivered messages per room, sent as context with a second opinion.
RECENT = RecentMessages()


class LiveReviewer(NamedTuple):
    """A warmed reviewer and whether the model scores its messages."""

    reviewer: Reviewer
    scored: bool


MODEL: Any = None  # set by the background start once loaded
MODEL_LOADING = settings.model_backend != "none"


DETECTOR: Any = None  # the language detector, once the background start has loaded it
MULTILINGUAL: Any = None  # the multilingual model, once loaded (after the detector)


def _build(text: str, origin: str) -> LiveReviewer:
    """Parse and validate every room, compile the defaults and the rooms this instance serves
    (sharing what the reviewer in use compiled) and warm up: raises before anything is swapped
    in. Other rooms compile on their first message."""
    model = MODEL
    policy = with_max_length(parse_policy(text, origin), settings.max_length)
    previous = POLICY.value  # None on the first build
    shared = SharedChecks(previous.reviewer.shared) if previous is not None else None
    served = previous.reviewer.served_rooms if previous is not None else ()
    multilingual = MULTILINGUAL if model is not None else None
    reviewer = Reviewer(policy, model, DETECTOR, multilingual, shared, _room_failed)
    reviewer.warm(served)
    return LiveReviewer(reviewer, scored=model is not None)


def _room_failed(room: str, error: BaseException) -> None:
    """A room that did not compile on its first message: it reviews by the defaults' rules."""
    logger.error(
        "room does not compile; reviewing it by the defaults' rules",
        extra={"room": room, "error": excerpt(f"{type(error).__name__}: {error}")},
    )
    _count_now("RoomCompileFailed")


def _reload_failed(message: str, error: BaseException) -> None:
    logger.error(message, extra={"error": f"{type(error).__name__}: {error}"})
    _count_now("PolicyReloadFailed")


def _reloaded(origin: str) -> None:
    logger.info("policy in use", extra={"policy_source": origin})


POLICY: LivePolicy[LiveReviewer] = LivePolicy(
    policy_source(settings),  # bundled unless a file, SSM or AppConfig is set
    _build,
    check_every_s=settings.policy_check_s,
    on_failure=_reload_failed,
    on_reload=_reloaded,
)
_source = POLICY.source
POLICY.start(fallback=None if isinstance(_source, BundledPolicySource) else BundledPolicySource())
if POLICY.degraded:
    # Loud, for an alarm: the room's own rules are missing until a check reads the source.
    logger.error(
        "policy source unavailable at start; answering by "
        + ("the bundled policy" if settings.policy_unavailable == "bundled" else "the fail mode"),
        extra={
            "policy_source": _source.name,
            "policy_unavailable": settings.policy_unavailable,
            "fail_mode": settings.fail_mode,
        },
    )
    _count_now("PolicySourceUnavailable")

SENDER: Any = None  # the escalation sender, once the background start has made it
_deferred: list[Any] = []
_deferred_lock = threading.Lock()
IP_HASHER = IpHasher.for_instance()  # replaced by the stack's key once it is read


def use_model(model: Any, *, rebuild: bool = True) -> None:
    """Puts a loaded model to work: a reviewer that uses it replaces the rules-only one
    (``rebuild=False``: the caller rebuilds once everything it loads is there)."""
    global MODEL, MODEL_LOADING
    MODEL = model
    if rebuild:
        POLICY.rebuild()
    MODEL_LOADING = False


def _load_model(*, rebuild: bool = True) -> None:
    try:
        model = load_model_from_settings(settings)
    except Exception:  # the rules still protect the room; the error is loud in logs and metrics
        logger.exception("toxicity model unavailable; reviewing with rules only")
        _count_now("ModelUnavailable")
        global MODEL_LOADING
        MODEL_LOADING = False
        return
    use_model(model, rebuild=rebuild)


def _load_language_detector(*, rebuild: bool = True) -> None:
    """Until this is done, messages are of unknown language (every pack, the model as usual)."""
    global DETECTOR
    try:
        from chatmod.language import LangidDetector

        DETECTOR = LangidDetector()
    except Exception:
        logger.exception("language detector unavailable; messages are of unknown language")
        _count_now("LanguageDetectorUnavailable")
        return
    if rebuild:
        POLICY.rebuild()


def _load_multilingual(*, rebuild: bool = True) -> None:
    """Until this is done, a line in another language than English is judged by the rules."""
    global MULTILINGUAL
    if MODEL is None:
        return
    try:
        MULTILINGUAL = load_multilingual_from_settings(settings)
    except Exception:
        logger.exception("multilingual model unavailable; other languages by the rules alone")
        _count_now("ModelUnavailable")
        return
    if MULTILINGUAL is not None and rebuild:
        POLICY.rebuild()


def _make_sender() -> Any:
    """An SQS sender when CHATMOD_ESCALATION_QUEUE_URL is set (None otherwise).

    Region and endpoint come from the settings read at init, not from the environment of this
    background moment. A misconfigured sender never stops reviews; every record it would have
    sent is then logged and counted as dropped (``_drop``).
    """
    url = settings.escalation_queue_url
    if not url:
        return None
    from chatmod.aws.sqs_sender import EscalationSender, is_queue_url

    if not is_queue_url(url):
        global ESCALATIONS_OFF
        ESCALATIONS_OFF = True  # set on purpose (a local placeholder): nothing is dropped
        logger.warning("not a queue URL; escalations are off", extra={"queue_url": url})
        return None
    try:
        return EscalationSender.create(
            url,
            settings.send_timeout_ms,
            region=settings.aws_region,
            endpoint_url=settings.sqs_endpoint_url,
        )
    except Exception:
        logger.exception("escalation sender not created; escalations are off")
        _count_now("EscalationSendFailed")
        return None


def _drop(record: Any, reason: str, *, in_invocation: bool = True) -> None:
    """A record that should have been queued and was not: never silently."""
    logger.error(
        "escalation dropped",
        extra={"message_id": record.message_id, "kind": record.kind, "reason": reason},
    )
    if in_invocation:
        metrics.add_metric(name="EscalationDropped", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="EscalationsLost", unit=MetricUnit.Count, value=1)
    else:
        _count_now("EscalationDropped")
        _count_now("EscalationsLost")


def _start_sender() -> None:
    global SENDER
    sender = _make_sender()
    with _deferred_lock:
        SENDER = sender
        waiting, _deferred[:] = list(_deferred), []
    for record in waiting:
        if sender is None:
            if not ESCALATIONS_OFF:
                _drop(record, "no escalation sender", in_invocation=False)
            continue
        try:
            sender.send(record)
        except Exception:
            logger.exception(
                "deferred escalation not sent", extra={"message_id": record.message_id}
            )
            _count_now("EscalationSendFailed")
            _count_now("EscalationsLost")


def _read_ip_key() -> None:
    global IP_HASHER
    secret = settings.ip_hash_secret
    if not secret:
        return
    from chatmod.aws.secrets import is_secret_arn, read_ip_hash_key

    if not is_secret_arn(secret):
        logger.warning("not a secret ARN; IP hashes use a key of this instance only")
        return
    try:
        IP_HASHER = IpHasher(read_ip_hash_key(secret), "stack")
    except Exception:
        logger.exception("IP hash key not read; IP hashes use a key of this instance only")
        _count_now("IpHashKeyUnavailable")


# The background start waits for the first answer (at most this long), so a new instance's first
# message has the core to itself; later answers share it with the model load.
FIRST_ANSWER_WAIT_S = 1.0
FIRST_ANSWERED = threading.Event()


# Timeouts and bans (a SanctionCache), once the background start follows them.
SANCTIONS: Any = None
# The moderator tools: on with a memory store or a real table (a local run of the template has
# a placeholder for the table, like the queue URL: off on purpose, nothing is dropped).
MODERATION_ON = settings.moderation_store == "memory" or (
    settings.moderation_store == "dynamodb" and is_table(settings.moderation_table or "")
)
# Writes held messages and users' refusals (a ReviewWriter), made with the sanctions.
RECORDS: Any = None


def _follow_sanctions() -> None:
    """Timeouts and bans from the moderation store, refreshed in the background
    (``chatmod.moderation.cache``); until the first look, no sender is refused for one."""
    global SANCTIONS, RECORDS
    if not MODERATION_ON:
        if settings.moderation_store == "dynamodb":
            table = settings.moderation_table
            logger.warning("not a table name; moderator tools are off", extra={"table": table})
        return
    try:
        from chatmod.moderation.cache import SanctionCache
        from chatmod.moderation.held_writer import ReviewWriter
        from chatmod.moderation.wiring import (
            build_decision_log,
            build_held_store,
            build_sanction_store,
            moderation_client,
        )

        client = moderation_client() if settings.moderation_store == "dynamodb" else None
        held = build_held_store(settings, client)
        decisions = build_decision_log(settings, client)
        if held is not None and decisions is not None:
            RECORDS = ReviewWriter(held, decisions)
        store = build_sanction_store(settings, client)
        if store is None:
            return
        SANCTIONS = SanctionCache(
            store,
            refresh_s=settings.sanctions_refresh_s,
            on_error=lambda _error: _count_now("SanctionsRefreshFailed"),
        ).start()
    except Exception:
        logger.exception("sanctions unavailable; timeouts and bans are not enforced")
        _count_now("SanctionsRefreshFailed")


def _background_start() -> None:
    """Everything the first answer can do without, most useful first, once it is given."""
    FIRST_ANSWERED.wait(FIRST_ANSWER_WAIT_S)
    _follow_sanctions()
    if MODEL_LOADING:
        _load_model()
    _start_sender()
    _read_ip_key()
    _load_language_detector()
    _load_multilingual()


def _frozen_start() -> None:
    """Everything now, for an instance initialized before its first message: the models and
    the detector first, then one rebuild of the reviewer with all of them."""
    if MODEL_LOADING:
        _load_model(rebuild=False)
    _load_language_detector(rebuild=False)
    _load_multilingual(rebuild=False)
    POLICY.rebuild()
    _start_sender()
    _read_ip_key()


def _after_restore() -> None:
    """A SnapStart instance restored from the snapshot: a per-instance IP hash key of its own
    (every restore would share the snapshot's otherwise), and a policy check at once."""
    global IP_HASHER
    if IP_HASHER.key_source == "instance":
        IP_HASHER = IpHasher.for_instance()
    POLICY.check_soon()


# Provisioned concurrency and SnapStart freeze the environment after init, before any message.
FROZEN_START_TYPES = ("provisioned-concurrency", "snap-start")
INITIALIZATION_TYPE = os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
FROZEN_START = INITIALIZATION_TYPE in FROZEN_START_TYPES
STARTUP = threading.Thread(
    target=_frozen_start if FROZEN_START else _background_start,
    name="chatmod-startup",
    daemon=True,
)
STARTUP.start()
if FROZEN_START:
    STARTUP.join()
    FIRST_ANSWERED.set()
if INITIALIZATION_TYPE == "snap-start":
    try:
        from snapshot_restore_py import register_after_restore  # Lambda's Python runtime

        register_after_restore(_after_restore)
    except ImportError:
        logger.warning("snapshot_restore_py not found; no SnapStart restore hook")


def _record(review: Review) -> None:
    decision = review.decision
    logger.info(
        "review decision",
        extra=audit_record(
            review.request,
            decision,
            review.elapsed_ms,
            ip_hasher=IP_HASHER,
            include_content=settings.log_content,
        ),
    )
    outcome = "MASKED" if decision.result == "ALLOW" and decision.modified else decision.result
    metrics.add_dimension("Result", outcome)
    metrics.add_metric(name="Decisions", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="ReviewLatency", unit=MetricUnit.Milliseconds, value=review.elapsed_ms)
    with single_metric(
        name="DecisionsByLanguage", unit=MetricUnit.Count, value=1, namespace=NAMESPACE
    ) as metric:
        metric.add_dimension("Language", decision.language)
        metric.add_dimension("Result", outcome)
    for category in decision.categories:
        with single_metric(
            name="DecisionsByCategory", unit=MetricUnit.Count, value=1, namespace=NAMESPACE
        ) as metric:
            metric.add_dimension("Category", category)
            metric.add_dimension("Result", outcome)


def _fail(event: Any, kind: str) -> dict[str, Any]:
    metrics.add_dimension("Result", "FAILMODE")
    metrics.add_metric(name="FailMode", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name=f"FailMode_{kind}", unit=MetricUnit.Count, value=1)
    return fail_response(event, settings.fail_mode, _room_max_length(event))


def _room_max_length(event: Any) -> int:
    """The limit of the room the event names (the policy's default for any other event), so a
    fail-mode answer never echoes more than the room allows."""
    reviewer = POLICY.current().reviewer
    room = event.get("RoomArn") if isinstance(event, dict) else None
    try:
        return reviewer.room(room if isinstance(room, str) else "").policy.max_length
    except Exception:  # a room that does not compile: the default still bounds the echo
        return reviewer.policy.defaults.max_length


@traced
def _handle(event: Any, context: LambdaContext) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        request = ReviewRequest.model_validate(event)
    except ValidationError as exc:
        logger.warning(
            "invalid review event; answering with the fail mode",
            extra={
                "errors": exc.errors(include_input=False, include_url=False),
                "fail_mode": settings.fail_mode,
            },
        )
        return _fail(event, "InvalidEvent")
    try:
        live = POLICY.current()
        if POLICY.degraded:
            metrics.add_metric(name="DegradedAnswers", unit=MetricUnit.Count, value=1)
            if settings.policy_unavailable == "fail-mode":
                return _fail(event, "PolicyUnavailable")
        unscored = not live.scored and MODEL_LOADING
        deadline = invocation_deadline(started, _remaining_ms(context))
        review = sanctioned_review(SANCTIONS, request) or live.reviewer.review(
            request, deadline=deadline
        )
        response = review.response.to_ivs()
        _record(review)
        refusal = None
        kept = MODERATION_ON and review.decision.result == "DENY"
        if kept and SANCTION_CATEGORY not in review.decision.categories:
            refusal = _keep_refusal(live.reviewer, review)  # a sanctioned sender's is not kept
        if unscored:
            metrics.add_metric(name="RulesOnlyAnswers", unit=MetricUnit.Count, value=1)
        _count_deadline_answer(deadline, review)
        escalate(live.reviewer, review, started, unscored=unscored or deadline.cut == "model")
        if refusal is not None:
            _refusal_kept(refusal, started)
    except Exception:
        logger.exception(
            "review failed; answering with the fail mode",
            extra={"message_id": request.message_id, "fail_mode": settings.fail_mode},
        )
        return _fail(event, "InternalError")
    metrics.add_metric(
        name="HandlerLatency",
        unit=MetricUnit.Milliseconds,
        value=(time.perf_counter() - started) * 1000,
    )
    return response


class _Refusal(NamedTuple):
    future: Any
    message_id: str
    held: bool


def _keep_refusal(reviewer: Reviewer, review: Review) -> _Refusal | None:
    """Starts writing a refusal to the user's recent ones (the moderator API's user view) and
    a held message to where moderators find it. Without a store (a new instance's background
    start not done yet) they are dropped, loudly: the sender was told either way."""
    request, decision = review.request, review.decision
    if RECORDS is None:
        logger.error("refusal not recorded: no store yet", extra={"message_id": request.message_id})
        name = "HoldDropped" if decision.held else "RefusalNotRecorded"
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
        return None
    # Loaded by the background start with the store (RECORDS), so never on a cold path.
    from chatmod.moderation.history import user_decision
    from chatmod.moderation.hold import held_message

    policy = reviewer.room(request.room_arn).policy
    now_ms = int(time.time() * 1000)
    held = held_message(request, decision, policy, now_ms) if decision.held else None
    future = RECORDS.start(user_decision(request, decision, policy, now_ms), held)
    return _Refusal(future, request.message_id, held is not None)


def _refusal_kept(refusal: _Refusal, started: float) -> None:
    """Waits for the refusal's write only until the escalation deadline."""
    left_ms = ESCALATION_DEADLINE_MS - (time.perf_counter() - started) * 1000
    written = RECORDS.wait(refusal.future, left_ms / 1000)
    if written != "done":
        logger.warning("refusal write " + written, extra={"message_id": refusal.message_id})
    if written == "failed":
        name = "HoldDropped" if refusal.held else "RefusalNotRecorded"
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
    elif refusal.held:
        metrics.add_metric(name="Held", unit=MetricUnit.Count, value=1)


def _remaining_ms(context: Any) -> int | None:
    """The Lambda context's time left (None for a caller that passes no real context)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return int(remaining()) if callable(remaining) else None


def _count_deadline_answer(deadline: Deadline, review: Review) -> None:
    """An answer that skipped a stage for want of time; the second opinion gets the message
    (a skipped model: queued as unscored; a skipped attribution: its gray zone)."""
    if deadline.cut is None:
        return
    logger.warning(
        "review cut short by the deadline",
        extra={"message_id": review.request.message_id, "stage": deadline.cut},
    )
    with single_metric(
        name="DeadlineAnswer", unit=MetricUnit.Count, value=1, namespace=NAMESPACE
    ) as metric:
        metric.add_dimension("Stage", deadline.cut)


def escalate(reviewer: Reviewer, review: Review, started: float, *, unscored: bool = False) -> None:
    """Hands decisions that deserve follow-up to the escalation queue (no-op when unset).

    Waits for the send only until ``ESCALATION_DEADLINE_MS`` after ``started`` (a
    ``perf_counter`` reading at the start of the invocation), so the answer still reaches IVS
    within its 200 ms. Before the background start has made the sender, records wait for it.
    Never raises: a failed or late send is logged and counted, and the decision stands.
    """
    if not settings.escalation_queue_url or ESCALATIONS_OFF:
        return
    try:
        policy = reviewer.room(review.request.room_arn).policy.escalation
        now_ms = int(time.time() * 1000)
        follow_up = policy.enabled and policy.second_opinion
        context = _context_then_remember(review, now_ms) if follow_up else ()
        record = escalation_record(
            review.request,
            review.decision,
            policy,
            now_ms,
            unscored=unscored,
            second_opinion=SECOND_OPINION,
            context=context,
        )
        if record is None:
            return
        with _deferred_lock:
            sender = SENDER
            if sender is None:
                _defer_or_drop(record)
                return
        left_ms = ESCALATION_DEADLINE_MS - (time.perf_counter() - started) * 1000
        late_end = functools.partial(_late_send_ended, record.message_id, record.kind)
        if sender.send_within(record, left_ms / 1000, late_end) == "late":
            logger.warning(
                "escalation send still running at the deadline; answering IVS first",
                extra={"message_id": review.request.message_id, "kind": record.kind},
            )
            metrics.add_metric(name="EscalationSendLate", unit=MetricUnit.Count, value=1)
            return
        metrics.add_metric(name="EscalationsSent", unit=MetricUnit.Count, value=1)
    except Exception:
        logger.exception("escalation not sent", extra={"message_id": review.request.message_id})
        metrics.add_metric(name="EscalationSendFailed", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="EscalationsLost", unit=MetricUnit.Count, value=1)


def _late_send_ended(message_id: str, kind: str, error: BaseException | None) -> None:
    """How a send still running at the deadline ended (on the sender's thread, after the
    answer): ``EscalationLateSent`` or, for one that never arrived, ``EscalationLateFailed``
    and ``EscalationsLost``, each logged with the message id."""
    details = {"message_id": message_id, "kind": kind}
    if error is None:
        logger.info("late escalation send succeeded", extra=details)
        _count_now("EscalationLateSent")
        return
    logger.error(
        "late escalation send failed; the escalation is lost",
        extra={**details, "error": f"{type(error).__name__}: {error}"},
    )
    _count_now("EscalationLateFailed")
    _count_now("EscalationsLost")


def _defer_or_drop(record: Any) -> None:
    """No sender yet: wait for the background start, or count the record as dropped."""
    if not STARTUP.is_alive():
        _drop(record, "no escalation sender")
    elif len(_deferred) >= MAX_DEFERRED_ESCALATIONS:
        _drop(record, "too many records waiting for the sender")
    else:
        _deferred.append(record)
        metrics.add_metric(name="EscalationDeferred", unit=MetricUnit.Count, value=1)


def _context_then_remember(review: Review, now_ms: int) -> tuple[str, ...]:
    """The sender's messages delivered here before this one; this one joins them if delivered."""
    if not SECOND_OPINION:
        return ()
    request = review.request
    room, user = request.room_arn, request.sender.user_id
    context = RECENT.context(room, user, now_ms)
    if review.decision.result == "ALLOW":
        RECENT.remember(room, user, review.decision.content, now_ms)
    return context


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        response: dict[str, Any] = _handle(event, context)
        return response
    except Exception:  # last line of defence: IVS must always get a valid answer
        logger.exception("unexpected error in review handler")
        return fail_response(event, settings.fail_mode)
    finally:
        FIRST_ANSWERED.set()
