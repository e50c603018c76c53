"""`manage.py load_demo [--scale N]`: the generated demo region, its park and accounts."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from data.demo_alarms import demo_rules_ensure
from data.demo_basemap import demo_basemap_ensure
from data.demo_cases import demo_cases_ensure
from data.demo_commitments import demo_commitments_ensure
from data.demo_dangers import demo_dangers_ensure
from data.demo_files import demo_files_ensure
from data.demo_grids import demo_grids_ensure
from data.demo_hazards import demo_hazard_sources_ensure
from data.demo_inspections import demo_inspections_ensure
from data.demo_knowledge import demo_knowledge_ensure
from data.demo_licences import demo_licences_ensure
from data.demo_monitoring import demo_monitoring_ensure
from data.demo_region import LoadReport, RegionConflict, load_demo
from data.demo_reports import demo_reports_ensure
from data.demo_resources import demo_resources_ensure
from data.demo_response import demo_response_ensure
from data.demo_risk import demo_risk_ensure
from data.demo_risk_grading import demo_risk_grading_ensure
from data.divisions import TREES
from data.region import DEFAULT_SEED, SMALL_ENTERPRISES, generate_region


class Command(BaseCommand):
    help = ("Load the demo province 江淮省 (divisions, grid cells, a chemical park, "
            "enterprises, organisations, one account per role). Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="generator seed: the same seed gives the same data")
        parser.add_argument("--scale", type=int, metavar="N",
                            help="benchmark size: a province-sized division tree and N "
                                 "ordinary enterprises (e.g. 1000000)")
        parser.add_argument("--divisions", choices=sorted(TREES),
                            help="size of the division tree (default: province with "
                                 "--scale, small without)")
        parser.add_argument("--replace", action="store_true",
                            help="delete the loaded demo region (if any) and load afresh")

    def handle(self, *args, seed: int, scale: int | None, divisions: str | None,
               replace: bool, **options):
        if scale is not None and scale < 1:
            raise CommandError("--scale must be a positive number of enterprises")
        started = time.perf_counter()
        size = divisions or ("province" if scale else "small")
        region = generate_region(seed, size=size,
                                 enterprises=scale or SMALL_ENTERPRISES)
        generated = time.perf_counter() - started
        self.stdout.write(f"generated in {generated:.1f} s: {len(region.divisions)} divisions,"
                          f" {len(region.grid)} grid cells,"
                          f" {len(region.enterprises)} enterprises,"
                          f" {len(region.resources)} emergency resources")
        try:
            report = load_demo(region, replace=replace, bulk=scale is not None)
        except RegionConflict as exc:
            raise CommandError(str(exc)) from exc
        call_command("load_chemicals", stdout=self.stdout)
        # the reference lists the enforcement demos pick from (data migrations load them
        # too; loading again is idempotent and mends a database a flush emptied)
        call_command("load_risk_library", stdout=self.stdout)
        call_command("load_check_items", stdout=self.stdout)
        base = demo_basemap_ensure(region)
        self.stdout.write("base map: " + ", ".join(f"{k} {n}" for k, n in base.items()))
        sources = demo_hazard_sources_ensure(region.park_code)
        self.stdout.write(f"major hazard sources in the park: {sources} created")
        self.stdout.write(f"risk points in the park: {demo_risk_grading_ensure(region.park_code)}"
                          " created")
        self.stdout.write(f"monitoring sensors of the demo gateway: {demo_monitoring_ensure()}"
                          " created")
        version = demo_rules_ensure(region.province_code[:2])
        self.stdout.write(f"alarm rules of the demo province: version {version}")
        self.stdout.write(f"plans, agencies, knowledge: {demo_knowledge_ensure(region.park_code)}")
        files = demo_files_ensure(region.park_code, everywhere=scale is None)
        self.stdout.write(f"one-enterprise files filled: {files}")
        if scale is None:  # like the files: the million-row benchmark load skips the region
            licences = demo_licences_ensure(region.park_code)
            self.stdout.write(f"licences outside the park: {licences} created")
        # after the files: who must commit follows the categories they give
        cards = demo_commitments_ensure(region.park_code)
        self.stdout.write(f"daily commitments in the province: {cards} created")
        grids = demo_grids_ensure(now=timezone.now())
        self.stdout.write(f"grids: {grids['terms']} terms of grid members, "
                          f"{grids['assigned']} enterprises assigned to their cells")
        enforcement = demo_inspections_ensure(region.park_code)
        self.stdout.write(f"law enforcement in the demo county: {enforcement}")
        cases = demo_cases_ensure(region.park_code[:6] + "000000")
        self.stdout.write(f"enforcement cases of the park's county: {cases} created")
        call_command("load_checklists", stdout=self.stdout)
        self.stdout.write(f"hidden dangers of the demo enterprise: {demo_dangers_ensure()} created")
        made = demo_resources_ensure(region.resources, prefix=region.province_code[:2],
                                     today=timezone.localdate())
        self.stdout.write(f"emergency resources created: {sum(made.values())} "
                          f"({', '.join(f'{layer} {n}' for layer, n in made.items())})")
        duty = demo_response_ensure(region.province_code[:2], region.park_code)
        self.stdout.write(f"duty rosters and past incidents: {duty}")
        if scale is None:  # a million enterprises × 7 days is the job runner's to make
            scored = demo_risk_ensure(now=timezone.now())
            self.stdout.write(f"dynamic risk: {scored} enterprises scored, last 7 days")
            started = time.perf_counter()
            reports = demo_reports_ensure(region.park_code)
            self.stdout.write(f"monitoring reports: {reports} rendered in"
                              f" {time.perf_counter() - started:.1f} s")
        self._report(report)

    def _report(self, report: LoadReport) -> None:
        if report.action == "reused":
            self.stdout.write("the same demo region is already loaded: reused it")
        else:
            for table, seconds in report.table_seconds.items():
                rows = report.rows.get(table)
                rate = f" {rows} rows, {rows / seconds:,.0f} rows/s" if rows else ""
                self.stdout.write(f"  {table:<20} {seconds:6.1f} s{rate}")
            self.stdout.write(f"{report.action} {sum(report.rows.values())} rows in"
                              f" {report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s)")
        self.stdout.write("\naccounts (demo passwords):")
        for a in report.accounts:
            line = f"  {a.username:<11} {a.password:<16} {a.role:<20} {a.division or '-':<13}"
            line += f" {a.organisation}"
            if a.token:
                line += f"\n  {'':<11} API token: {a.token}"
            if a.totp_secret:
                line += (f"\n  {'':<11} TOTP secret: {a.totp_secret}"
                         " (add it to an authenticator app; sign-in asks for its code)")
            self.stdout.write(line)
