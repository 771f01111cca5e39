"""The Pathwise vocabulary, declared once.

Concepts are SKOS concepts, materials are schema.org learning resources; ``PW`` holds
only what no standard has. ``PW`` is a ``DefinedNamespace`` with ``_fail = True`` so a
typo such as ``PW.requirs`` raises at import time instead of writing a wrong triple.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = ["DCTERMS", "ID", "PW", "RDF", "RDFS", "SDO", "SKOS", "XSD", "GRAPH_IRI"]


class PW(DefinedNamespace):
    """Terms of the Pathwise vocabulary (``pw:``)."""

    _NS = Namespace("https://w3id.org/pathwise/vocab#")
    _fail = True

    # Classes
    Student: URIRef  # a learner, under a pseudonymous key
    Cohort: URIRef  # a group of students (a class, a course run)
    Attempt: URIRef  # one answer by one student
    VoidedAttempt: URIRef  # what is left of an attempt an xAPI void took back: its (keyed) id alone
    Mastery: URIRef  # a mastery estimate produced by a model
    Prerequisite: URIRef  # a reified prerequisite edge carrying strength/provenance

    # Properties
    requires: URIRef  # concept -> concept it requires (subPropertyOf skos:semanticRelation)
    prerequisiteOf: URIRef  # reified edge -> the concept that requires
    prerequisite: URIRef  # reified edge -> the required concept
    strength: URIRef  # edge strength in (0, 1]
    provenance: URIRef  # where an edge or record came from
    difficulty: URIRef  # material difficulty 1..5
    ownLanguage: URIRef  # concept -> the tag of its own label (and definition) where an untagged copy keeps it shown
    activityId: URIRef  # material -> an xAPI activity IRI (an LMS's object.id) that names it (an xsd:anyURI literal)
    revision: URIRef  # graph revision counter, one literal per committed write
    xapiAccountHomes: URIRef  # graph -> the xAPI account homes its learners are keyed with (JSON list; xapi_homes)
    xapiFormerAccountHomes: URIRef  # graph -> homes recorded before an accepted change (JSON list; xapi_homes)
    memberOf: URIRef  # student -> cohort
    teacher: URIRef  # cohort -> a teacher's subject id (a literal)
    claimedBy: URIRef  # cohort -> a teacher a teacher's createCohort named, not yet confirmed (graph.cohorts)
    student: URIRef
    material: URIRef
    concept: URIRef
    score: URIRef
    timestamp: URIRef
    source: URIRef
    probability: URIRef
    modelVersion: URIRef
    updatedAt: URIRef
    # Records an importer keeps whole (JSON literals) so an export can give them back as they came
    caseRecord: URIRef  # a CASE CFItem (on its concept) or CFDocument (on the curriculum)
    caseAssociation: URIRef  # a CASE CFAssociation, on its origin concept (else on the curriculum)
    caseDefinitions: URIRef  # a CASE package's CFDefinitions, on the curriculum


# Where our own resources live; ids are the local part after the kind.
ID = Namespace("https://w3id.org/pathwise/id/")

# The one named graph that holds a Pathwise knowledge graph in any backend.
GRAPH_IRI = URIRef("https://w3id.org/pathwise/graph")
