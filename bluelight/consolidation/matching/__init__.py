"""Matching reports of the same collaboration: plain data in, scored clusters out (no database)."""

from .clustering import THRESHOLD, cluster_items
from .items import Knowledge, MatchItem, ProposedCluster

__all__ = ["THRESHOLD", "Knowledge", "MatchItem", "ProposedCluster", "cluster_items"]
