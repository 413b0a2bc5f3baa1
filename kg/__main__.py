"""The `kg` command's entry point, also run by `python -m kg`."""

import sys


def run() -> None:
    """Start the command line; Ctrl-C while it is still starting up ends it quietly too.

    `kg query` on the local graph is answered without importing click when it can be (see
    kg/quick.py): a shell loop that calls it a hundred times would otherwise wait mostly for
    the command-line framework to load."""
    try:
        if sys.argv[1:2] == ["query"]:
            from kg.quick import query_command

            if query_command(sys.argv[2:]):
                return
        from kg.cli import main
    except KeyboardInterrupt:
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
