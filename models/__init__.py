# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import mail_document_send_mixin
from . import sale_order
from . import account_move
from . import account_move_send
from . import mail_scheduled_message
from . import ir_mail_server
from . import mail_mail
from . import mail_delivery_log
from . import mail_delivery_state_mixin
from . import sale_order_delivery_state
from . import account_move_delivery_state
from . import mail_message
from . import mail_thread
from . import mail_document_send_pdf_cache
from . import ir_actions_report
from . import mail_template
from . import ir_qweb
