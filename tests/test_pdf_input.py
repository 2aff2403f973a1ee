# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import BaseCase

from ..delivery.pdf_input import (
    cache_key,
    is_versioned,
    javascript_needs_time,
    unversioned_urls,
    with_javascript_delay,
)

ASSETS = '<link rel="stylesheet" href="/web/assets/4083f11/web.report_assets_common.min.css"/>'
SUBST = "<script>function subst() { var y = document.getElementsByClassName('page'); }</script>"


class TestPdfInput(BaseCase):
    def test_key_sees_every_part_and_its_boundaries(self):
        base = [("bodies", ["<p>a</p>"]), ("documents", ["7"]), ("args", ["--dpi", "90"])]
        key = cache_key(base)
        self.assertEqual(key, cache_key(list(base)))
        for changed in (
            [("bodies", ["<p>b</p>"]), ("documents", ["7"]), ("args", ["--dpi", "90"])],
            [("bodies", ["<p>a</p>"]), ("documents", ["8"]), ("args", ["--dpi", "90"])],
            [("bodies", ["<p>a</p>"]), ("documents", ["7"]), ("args", ["--dpi", "96"])],
            # The same characters cut elsewhere are another input.
            [("bodies", ["<p>a</p>", ""]), ("documents", ["7"]), ("args", ["--dpi", "90"])],
            [("bodies", ["<p>a</p>"]), ("documents", ["7"]), ("args", ["--dpi90"])],
        ):
            self.assertNotEqual(cache_key(changed), key, changed)

    def test_versioned_urls(self):
        self.assertTrue(is_versioned("data:image/png;base64,iVBOR="))
        self.assertTrue(is_versioned("/web/assets/4083f11/web.report_assets_common.min.css"))
        self.assertTrue(is_versioned("http://odoo:8069/web/assets/4083f11/web.report_assets_pdf.min.css"))
        self.assertTrue(is_versioned("/web/image/res.partner/3/avatar_128?unique=20261207"))
        self.assertFalse(is_versioned("/web/image/res.company/1/logo"))
        self.assertFalse(is_versioned("https://example.com/stamp.png"))
        self.assertFalse(is_versioned("/web/assets/web.report_assets_common.min.css"))

    def test_unversioned_urls_are_what_the_page_loads(self):
        page = (
            '<html><head><base href="http://odoo:8069"/>%s<link rel="icon" href="/favicon.ico"/>'
            '<style>.x { background: url("/web/image/logo.png") }</style></head>'
            '<body><a href="https://www.odoo.com">site</a><img src="data:image/png;base64,AAA="/>'
            '<img src="/web/image/res.company/1/logo"/><div style="background-image: url(/bg.png)"></div>'
            '<img srcset="/a.png 1x, data:image/png;base64,BBB= 2x"/></body></html>'
        ) % ASSETS
        self.assertEqual(
            unversioned_urls([page]),
            ["/web/image/logo.png", "/web/image/res.company/1/logo", "/bg.png", "/a.png"],
        )
        self.assertEqual(unversioned_urls(["<html><head>%s</head><body>x</body></html>" % ASSETS]), [])

    def test_javascript_needs_time(self):
        layout = '<html><head>%s</head><body onload="subst()">x</body></html>' % SUBST
        self.assertFalse(javascript_needs_time([layout, "<p>body</p>"]))
        for page in (
            '<script src="/web/assets/1234567/web.report_assets_pdf.min.js"></script>',
            "<script>setTimeout(function () { draw(); }, 100);</script>",
            "<script>fetch('/data').then(draw);</script>",
            "<script>new Promise(r => r()).then(draw);</script>",
            '<body onload="window.requestAnimationFrame(draw)"></body>',
        ):
            self.assertTrue(javascript_needs_time([layout, page]), page)

    def test_delay_only_lowered(self):
        args = ["--quiet", "--javascript-delay", "1000", "--orientation", "Portrait"]
        self.assertEqual(with_javascript_delay(args, 0)[2], "0")
        self.assertEqual(with_javascript_delay(args, 5000)[2], "1000")
        self.assertEqual(with_javascript_delay(["--quiet"], 0), ["--quiet"])
        self.assertEqual(args[2], "1000")
