"""Run by `dev/odoo shell`: build and commit the report asset bundles.

Under --test-enable the test transaction would otherwise create them, and
wkhtmltopdf's request for the CSS, served by another thread, waits on that
uncommitted transaction: the test hangs."""
# `env` is given by odoo shell.
order = env["sale.order"].search([], limit=1)  # noqa: F821
report = env.ref("sale.action_report_saleorder")  # noqa: F821
report.render_qweb_html(order.ids)
env.cr.commit()  # noqa: F821
print("report assets committed")
