"""Signed webhooks (Standard Webhooks): endpoints registered by global staff receive every certificate event that
the relay hands to this app's sink (README "Webhooks", ADR in docs/decisions)."""
