"""The domain: plain dataclasses and enums, free of storage and web concerns."""
