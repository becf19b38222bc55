"""What a review instance keeps between invocations, and how it gets there.

IVS's 200 ms include Lambda init, so on demand init does only what the first answer needs:
the policy compiled into a rules-only reviewer. Once the first answer is given (or after a
second without one), a background thread follows the sanctions, loads the model (and swaps in
a reviewer that uses it), makes the escalation sender, reads the IP hash key and loads the
language detector and the multilingual model. Until the model is ready, answers are the rules'
alone (``scoring_soon``), so the handler counts them and queues them for the second opinion.

Under provisioned concurrency and SnapStart (``AWS_LAMBDA_INITIALIZATION_TYPE``), init runs
before any message and the environment is then frozen, so a background thread would sleep
until the first message: there init loads everything itself, and the first message is judged
by the model. After a SnapStart restore, what must differ per instance is made again (the
instance's IP hash key) and the policy is checked at once (the snapshot may be old).

The policy is live (``chatmod.policy_source``): a changed SSM parameter or AppConfig profile
is fetched, compiled and warmed in the background and swapped in when ready; a failure keeps
the last good policy (``PolicyReloadFailed``). A new instance that cannot read its source at
all answers by the bundled policy or the fail mode (``degraded``), logged and counted
(``PolicySourceUnavailable``) until a check reads it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from aws_lambda_powertools import Logger, Metrics

from chatmod.audit import IpHasher
from chatmod.aws.counters import attempted, count_now, described, reload_failure_reporter
from chatmod.aws.escalation_outbox import EscalationOutbox
from chatmod.aws.policy_sources import policy_source
from chatmod.compile import SharedChecks
from chatmod.moderation.tables import is_table
from chatmod.pipeline import Reviewer
from chatmod.policy import excerpt, parse_policy, with_max_length
from chatmod.policy_source import BundledPolicySource, LivePolicy
from chatmod.settings import Settings

if TYPE_CHECKING:
    from chatmod.aws.sqs_sender import EscalationSender
    from chatmod.language import LanguageDetector
    from chatmod.model.base import ToxicityModel
    from chatmod.moderation.cache import SanctionCache
    from chatmod.moderation.held_writer import ReviewWriter

T = TypeVar("T")

# A review hands the GIL to a background load or reload each time the model runs (ONNX Runtime
# releases it) and waits up to this long to get it back: 1 ms instead of CPython's 5 ms. With a
# 200-room reload running, reviews every 10 ms on one core took p99 13-18 ms instead of 24-42 ms
# and were late by p99 28-36 ms instead of 65-80 ms (bench/big_policy.py).
SWITCH_INTERVAL_S = 0.001
# The background start waits for the first answer (at most this long), so a new instance's
# first message has the core to itself; later answers share it with the model load.
FIRST_ANSWER_WAIT_S = 1.0
# Provisioned concurrency and SnapStart freeze the environment after init, before any message.
FROZEN_START_TYPES = ("provisioned-concurrency", "snap-start")


class LiveReviewer(NamedTuple):
    """A warmed reviewer and whether the model scores its messages."""

    reviewer: Reviewer
    scored: bool


class ReviewRuntime:
    """The models, the live policy, the escalation outbox, the IP hasher and the moderation
    views of one review instance, and the thread that loads them after the first answer."""

    def __init__(
        self,
        settings: Settings,
        logger: Logger,
        metrics: Metrics,
        service: str,
        *,
        frozen: bool = False,
    ) -> None:
        self.settings = settings
        self.logger = logger
        self.service = service
        self.model: ToxicityModel | None = None  # the toxicity model, once loaded
        self.model_loading = settings.model_backend != "none"
        self.detector: LanguageDetector | None = None  # the language detector, once loaded
        self.multilingual: ToxicityModel | None = None  # once loaded (after the detector)
        self.ip_hasher = IpHasher.for_instance()  # replaced by the stack's key once it is read
        self.sanctions: SanctionCache | None = None  # timeouts and bans, once followed
        self.records: ReviewWriter | None = None  # where refusals and held messages are written
        self.moderation_on = settings.moderation_store == "memory" or (
            settings.moderation_store == "dynamodb" and is_table(settings.moderation_table or "")
        )
        self.first_answered = threading.Event()
        start = self._frozen_start if frozen else self._background_start
        self.startup = threading.Thread(target=start, name="chatmod-startup", daemon=True)
        self.outbox = EscalationOutbox(logger, metrics, service, self.startup.is_alive)
        self.policy: LivePolicy[LiveReviewer] = LivePolicy(
            policy_source(settings),  # bundled unless a file, SSM or AppConfig is set
            self._build,
            check_every_s=settings.policy_check_s,
            on_failure=reload_failure_reporter(logger, service),
            on_reload=lambda origin: logger.info("policy in use", extra={"policy_source": origin}),
        )

    @classmethod
    def start(
        cls,
        settings: Settings,
        logger: Logger,
        metrics: Metrics,
        service: str,
        environ: Mapping[str, str] = os.environ,
    ) -> ReviewRuntime:
        """A runtime answering by its policy now, the rest loading as its start type allows."""
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        initialization = environ.get("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
        frozen = initialization in FROZEN_START_TYPES
        runtime = cls(settings, logger, metrics, service, frozen=frozen)
        runtime._start_policy()
        runtime.startup.start()
        if frozen:
            runtime.startup.join()
            runtime.first_answered.set()
        if initialization == "snap-start":
            runtime._hook_restore()
        return runtime

    @property
    def scoring_soon(self) -> bool:
        """True while the model is still loading: answers now are the rules' alone."""
        return self.model_loading

    def use_model(self, model: ToxicityModel, *, rebuild: bool = True) -> None:
        """Puts a loaded model to work: a reviewer that uses it replaces the rules-only one
        (``rebuild=False``: the caller rebuilds once everything it loads is there)."""
        self.model = model
        if rebuild:
            self.policy.rebuild()
        self.model_loading = False

    def _start_policy(self) -> None:
        source = self.policy.source
        bundled = isinstance(source, BundledPolicySource)
        self.policy.start(fallback=None if bundled else BundledPolicySource())
        if not self.policy.degraded:
            return
        # Loud, for an alarm: the room's own rules are missing until a check reads the source.
        answer = "the bundled policy" if self.settings.policy_unavailable == "bundled" else None
        self.logger.error(
            "policy source unavailable at start; answering by " + (answer or "the fail mode"),
            extra={
                "policy_source": source.name,
                "policy_unavailable": self.settings.policy_unavailable,
                "fail_mode": self.settings.fail_mode,
            },
        )
        count_now(self.service, "PolicySourceUnavailable")

    def _build(self, text: str, origin: str) -> LiveReviewer:
        """Parse and validate every room, compile the defaults and the rooms this instance
        serves (sharing what the reviewer in use compiled) and warm up: raises before anything
        is swapped in. Other rooms compile on their first message."""
        model = self.model
        policy = with_max_length(parse_policy(text, origin), self.settings.max_length)
        previous = self.policy.value  # None on the first build
        shared = SharedChecks(previous.reviewer.shared) if previous is not None else None
        served = previous.reviewer.served_rooms if previous is not None else ()
        multilingual = self.multilingual if model is not None else None
        reviewer = Reviewer(policy, model, self.detector, multilingual, shared, self._room_failed)
        reviewer.warm(served)
        return LiveReviewer(reviewer, scored=model is not None)

    def _room_failed(self, room: str, error: BaseException) -> None:
        """A room that did not compile on its first message: it reviews by the defaults'."""
        self.logger.error(
            "room does not compile; reviewing it by the defaults' rules",
            extra={"room": room, "error": excerpt(described(error))},
        )
        count_now(self.service, "RoomCompileFailed")

    def _attempt(self, load: Callable[[], T], failure: str, metric: str) -> T | None:
        """One step of the start; None when it failed, logged and counted as ``metric``."""
        return attempted(self.logger, load, failure, lambda: count_now(self.service, metric))

    def _background_start(self) -> None:
        """Everything the first answer can do without, most useful first, once it is given."""
        self.first_answered.wait(FIRST_ANSWER_WAIT_S)
        self._follow_sanctions()
        if self.model_loading:
            self._load_model()
        self._open_outbox()
        self._read_ip_key()
        self._load_language_detector()
        self._load_multilingual()

    def _frozen_start(self) -> None:
        """Everything now, for an instance initialized before its first message: the models
        and the detector first, then one rebuild of the reviewer with all of them; timeouts and
        bans are followed from the start, as on demand."""
        self._follow_sanctions()
        if self.model_loading:
            self._load_model(rebuild=False)
        self._load_language_detector(rebuild=False)
        self._load_multilingual(rebuild=False)
        self.policy.rebuild()
        self._open_outbox()
        self._read_ip_key()

    def _hook_restore(self) -> None:
        try:
            from snapshot_restore_py import register_after_restore  # Lambda's Python runtime
        except ImportError:
            self.logger.warning("snapshot_restore_py not found; no SnapStart restore hook")
            return
        register_after_restore(self._after_restore)

    def _after_restore(self) -> None:
        """A SnapStart instance restored from the snapshot: a per-instance IP hash key of its
        own (every restore would share the snapshot's otherwise), and a policy check at once."""
        if self.ip_hasher.key_source == "instance":
            self.ip_hasher = IpHasher.for_instance()
        self.policy.check_soon()

    def _load_model(self, *, rebuild: bool = True) -> None:
        from chatmod.aws import wiring

        model = self._attempt(
            lambda: wiring.review_model(self.settings),
            "toxicity model unavailable; reviewing with rules only",
            "ModelUnavailable",
        )
        if model is None:  # the rules still protect the room
            self.model_loading = False
            return
        self.use_model(model, rebuild=rebuild)

    def _load_language_detector(self, *, rebuild: bool = True) -> None:
        """Until this is done, messages are of unknown language (every pack, the model as usual)."""
        from chatmod.aws import wiring

        detector = self._attempt(
            wiring.language_detector,
            "language detector unavailable; messages are of unknown language",
            "LanguageDetectorUnavailable",
        )
        if detector is None:
            return
        self.detector = detector
        if rebuild:
            self.policy.rebuild()

    def _load_multilingual(self, *, rebuild: bool = True) -> None:
        """Until this is done, a line in another language than English is judged by the rules."""
        if self.model is None:
            return
        from chatmod.aws import wiring

        self.multilingual = self._attempt(
            lambda: wiring.multilingual_model(self.settings),
            "multilingual model unavailable; other languages by the rules alone",
            "ModelUnavailable",
        )
        if self.multilingual is not None and rebuild:
            self.policy.rebuild()

    def _open_outbox(self) -> None:
        """An SQS sender when CHATMOD_ESCALATION_QUEUE_URL is set, from the settings read at
        init (not the environment of this background moment). A sender that is not made never
        stops reviews; the records it would have sent are dropped, each logged and counted."""
        self.outbox.open(self._make_sender())

    def _make_sender(self) -> EscalationSender | None:
        url = self.settings.escalation_queue_url
        if not url:
            return None
        from chatmod.aws import wiring
        from chatmod.aws.sqs_sender import is_queue_url

        if not is_queue_url(url):
            self.outbox.off = True  # set on purpose (a local placeholder): nothing is dropped
            self.logger.warning("not a queue URL; escalations are off", extra={"queue_url": url})
            return None
        return self._attempt(
            lambda: wiring.escalation_sender(self.settings, self.settings.send_timeout_ms),
            "escalation sender not created; escalations are off",
            "EscalationSendFailed",
        )

    def _read_ip_key(self) -> None:
        secret = self.settings.ip_hash_secret
        if not secret:
            return
        from chatmod.aws import wiring
        from chatmod.aws.secrets import is_secret_arn

        if not is_secret_arn(secret):
            self.logger.warning("not a secret ARN; IP hashes use a key of this instance only")
            return
        hasher = self._attempt(
            lambda: wiring.stack_ip_hasher(secret),
            "IP hash key not read; IP hashes use a key of this instance only",
            "IpHashKeyUnavailable",
        )
        if hasher is not None:
            self.ip_hasher = hasher

    def _follow_sanctions(self) -> None:
        """Timeouts and bans from the moderation store, refreshed in the background
        (``chatmod.moderation.cache``); until the first look, no sender is refused for one."""
        settings = self.settings
        if not self.moderation_on:
            if settings.moderation_store == "dynamodb":
                table = settings.moderation_table
                self.logger.warning(
                    "not a table name; moderator tools are off", extra={"table": table}
                )
            return
        from chatmod.aws import wiring

        moderation = self._attempt(
            lambda: wiring.review_moderation(
                settings, lambda _error: count_now(self.service, "SanctionsRefreshFailed")
            ),
            "sanctions unavailable; timeouts and bans are not enforced",
            "SanctionsRefreshFailed",
        )
        if moderation is not None:
            self.sanctions, self.records = moderation
