# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What is asked for every mail of a batch (the mail server's size limit,
the company's bounce address), computed once per batch: each mail's commit
empties the ORM cache, and what is asked for every mail would be computed
again for every mail. The batch passes it down in the context."""

CONTEXT_KEY = "mds_batch_memo"


class BatchMemo:
    """Hashed and compared by identity, as a context value should be."""

    def __init__(self):
        self.values = {}

    def get(self, key, compute):
        if key not in self.values:
            self.values[key] = compute()
        return self.values[key]


def memoized(env, key, compute):
    """`compute()` once per batch when a batch runs, else every time."""
    memo = env.context.get(CONTEXT_KEY)
    return memo.get(key, compute) if isinstance(memo, BatchMemo) else compute()
