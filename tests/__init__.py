# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_platform
from . import test_smtp_failure
from . import test_smtp_send
from . import test_delivery_wire
from . import test_retry_schedule
from . import test_delivery_address
from . import test_delivery_filename
from . import test_template_text
from . import test_dsn
from . import test_postfix_dsn
from . import test_delivery_attempt
from . import test_mail_retry
from . import test_mail_outcome
from . import test_delivery_state
from . import test_access_matrix
from . import test_queue_cost
from . import test_send_document
from . import test_send_checks
from . import test_hostile_input
from . import test_templates
from . import test_bounce
from . import test_mail_claim
from . import test_mail_drain
from . import test_stack_mail_tracking
