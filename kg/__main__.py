"""The `kg` command's entry point, also run by `python -m kg`."""

import sys


def run() -> None:
    """Start the command line; Ctrl-C while it is still starting up ends it quietly too."""
    try:
        from kg.cli import main
    except KeyboardInterrupt:
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
