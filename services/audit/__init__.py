"""Audit (issue 5): history and as-of reads, the tamper-evident chain, the accounting of
disclosures and the authentication audit."""
