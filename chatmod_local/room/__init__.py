"""A local Amazon IVS Chat room: the messaging WebSocket, the ivschat control plane, a local
SQS queue and the wiring that runs the template's review and escalation functions, so the
whole moderation loop runs on one machine with the real client SDK.

    python -m chatmod_local.room          # or: make dev
"""
