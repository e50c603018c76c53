"""`manage.py evidence_verify [--no-files]`: walk the evidence chain and its files; exit 1
naming the first bad entry (thin: enforcement.evidence.services.evidence_chain_verify)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from enforcement.evidence.services import evidence_chain_verify


class Command(BaseCommand):
    help = "Verify the evidence log's hash chain and files (证据链校验)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-files", action="store_true",
                            help="check the rows only, not the stored files' SHA-256")

    def handle(self, *args, no_files: bool = False, **options) -> None:
        report = evidence_chain_verify(files=not no_files)
        if not report.intact:
            raise CommandError(_("第 %(seq)d 条证据校验失败：%(reason)s（此前 %(n)d 条完好）")
                               % {"seq": report.bad_seq, "reason": report.reason,
                                  "n": report.entries})
        self.stdout.write(_("证据链完整：%(n)d 条，链头哈希 %(head)s")
                          % {"n": report.entries, "head": report.head})
