"""``python -m exactpwl``: the same as the ``exactpwl`` command."""

if __name__ == "__main__":
    from .cli import entry

    entry()
