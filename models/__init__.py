from . import ir_mail_server
from . import mail_mail
from . import mail_delivery_log
from . import mail_delivery_state_mixin
from . import sale_order_delivery_state
from . import account_move_delivery_state
from . import mail_delivery_log_runner
