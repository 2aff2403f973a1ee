# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The queue runner's pieces beside the mail.mail model: plain classes and
# functions over the ORM, one concern per file. Imported by the models.
