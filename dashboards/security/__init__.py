"""Who may see what, enforced on the server: sign-in and the request gate (auth), the user store (users), the
access rules per table and role (access), the allowed values of every callback input (allowed), the audit log
(audit) and small-count suppression for donors and the public (suppression)."""
