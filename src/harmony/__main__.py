"""``python -m harmony`` runs the command-line interface."""

from harmony.cli import main

if __name__ == "__main__":
    main()
