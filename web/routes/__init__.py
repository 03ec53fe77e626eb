"""HTTP routes: the policy API (/v1/ask, records), the OpenAI-compatible API and health probes."""
