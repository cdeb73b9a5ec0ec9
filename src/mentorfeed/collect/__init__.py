"""Collecting live from the platforms: community config, politeness, raw archive, clients."""
