# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import mail_compose_message
from . import account_move_send_wizard
from . import account_move_send_batch_wizard
