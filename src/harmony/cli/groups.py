"""The command groups of ``harmony`` (``traktor``, ``library``, ``cue``…), loaded only when a command runs.

Building a group imports what its commands use: the database, the NML parser, the worker pools, the web app.
``harmony --help`` and a command of one group need none of the others, so each group is named here with its
one-line help, and its module is imported the first time the command line reaches it.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

import typer

# Typer carries its own copy of Click; its group class is what a Typer app's ``cls`` extends.
from typer._click import Command, Context, HelpFormatter
from typer._click.exceptions import UsageError
from typer.core import TyperGroup


@dataclass(frozen=True)
class Group:
    """A command group: the module whose ``app`` holds it, its help, and commands mounted on it from other
    modules (``"module:function"``, or ``"name=module:function"`` to choose the command's name)."""

    module: str
    help: str
    mounted: tuple[str, ...] = ()


GROUPS: dict[str, Group] = {
    "traktor": Group(
        "harmony.cli.traktor",
        "Work with Traktor's collection.nml.",
        ("suggest-mappings=harmony.cli.traktor_mappings:suggest_mappings",),
    ),
    "library": Group(
        "harmony.cli.library",
        "Look at and edit Harmony's own library.",
        (
            "harmony.cli.library_missing:missing",
            "harmony.cli.library_relocate:relocate",
            "harmony.cli.library_duplicates:duplicates",
            "harmony.cli.library_duplicates:merge",
        ),
    ),
    "cue": Group("harmony.cli.cue", "List, add, change and delete cue points, loops and grid markers."),
    "playlist": Group(
        "harmony.cli.playlist", "List, show, create, rename, move and delete playlists and folders; edit their tracks."
    ),
    "dev": Group("harmony.cli.dev", "Tools for developers, tests and benchmarks."),
}


def group_help(name: str) -> str:
    """The help of the group ``name``, for its module's ``typer.Typer(help=…)``: written once, here."""
    return GROUPS[name].help


@functools.cache
def _load(name: str) -> Command:
    """The group ``name``, built once per process (its mounted commands are added to its app only once)."""
    group = GROUPS[name]
    app: typer.Typer = importlib.import_module(group.module).app
    for target in group.mounted:
        command_name, _, where = target.rpartition("=")
        module, _, function = where.partition(":")
        app.command(command_name or None)(getattr(importlib.import_module(module), function))
    command = typer.main.get_group(app)
    command.name = name
    return command


class LazyGroups(TyperGroup):
    """The top-level ``harmony`` group: its own commands, then the groups of :data:`GROUPS`, each built on use."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        # While the top-level help is drawn, a group only needs its name and help line.
        self._listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in GROUPS if name not in self.commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in GROUPS:
            return command
        if self._listing:
            return TyperGroup(name=cmd_name, help=GROUPS[cmd_name].help)
        command = _load(cmd_name)
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            # A mistyped group name gets the same "Did you mean" as a mistyped command.
            if args and "Did you mean" not in error.message:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    error.message = f"{error.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise
