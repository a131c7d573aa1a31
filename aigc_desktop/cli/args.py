"""The CLI's parser class and argparse types: bad usage is one line and exit 2."""

from __future__ import annotations

import argparse
import sys

from aigc_desktop.i18n import N_, _


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # exit 2 with one line, like argparse, minus the usage dump
        self.print_usage(sys.stderr)
        print(_("error: {message}").format(message=message), file=sys.stderr)
        raise SystemExit(2)


def _in_range(kind: type, noun: str, low, high):
    """An argparse type: a ``kind`` (int or float) in [low, high]; bad usage is exit 2."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_("{text} is not a {noun}").format(text=repr(text), noun=_(noun))) from None
        if not low <= value <= high:
            show = str if kind is int else "{:g}".format
            raise argparse.ArgumentTypeError(_("{value} is out of range ({low} to {high})").format(
                value=show(value), low=show(low), high=show(high)))
        return value

    parse.__name__ = noun
    return parse


def int_in(low: int, high: int = 2**63 - 1):
    """A whole number in [low, high] (ids, counts, seeds)."""
    return _in_range(int, N_("whole number"), low, high)


def float_in(low: float, high: float):
    """A number in [low, high]."""
    return _in_range(float, N_("number"), low, high)


ID = int_in(1)
