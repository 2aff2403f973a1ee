"""Run by `dev/odoo shell`: set the report layout and build the report
asset bundles, then commit.

The layout is what an administrator picks the first time they print (Odoo
otherwise opens the layout wizard instead of the composer). Under
--test-enable the test transaction would otherwise create the bundles, and
wkhtmltopdf's request for the CSS, served by another thread, waits on that
uncommitted transaction: the test hangs."""
# `env` is given by odoo shell.
for company in env["res.company"].search([]):  # noqa: F821
    if not company.external_report_layout_id:
        company.external_report_layout_id = env.ref("web.external_layout_standard")  # noqa: F821
order = env["sale.order"].search([], limit=1)  # noqa: F821
env["ir.actions.report"]._render_qweb_html("sale.action_report_saleorder", order.ids)  # noqa: F821
env.cr.commit()  # noqa: F821
print("report layout set, report assets committed")
