"""``python -m exactpwl``: the same as the ``exactpwl`` command."""

import sys


def entry() -> None:
    """The ``exactpwl`` command; a Ctrl-C while its modules load ends as cleanly as one later."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        print("exactpwl: interrupted; nothing is claimed", file=sys.stderr)
        sys.exit(3)
    sys.exit(main())


if __name__ == "__main__":
    entry()
