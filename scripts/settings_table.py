"""Print the README's table of settings (every MENTORFEED_* variable), from `Settings`.

    python scripts/settings_table.py

Paste it between the README's "settings table" markers; tests/test_config.py fails until the
README holds the current table.
"""

from mentorfeed.config import settings_table

if __name__ == "__main__":
    print(settings_table(), end="")
