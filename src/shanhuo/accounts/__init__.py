"""Accounts: sign-up and sign-in by mobile number and one-time code, roles, sessions, tokens."""
