"""The one exception type for bad user input, so the CLI can print it in one line."""


class InputError(ValueError):
    """Bad input: the message says what is wrong and where (the CLI exits with code 2)."""


class CapReached(RuntimeError):
    """A resource cap stopped a computation before it had an answer (the CLI exits with code 3)."""
