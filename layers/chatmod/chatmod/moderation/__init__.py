"""Moderator tools: timeouts and bans enforced at review, and the moderator API behind them."""
