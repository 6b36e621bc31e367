"""The longarm vocabulary and the IRI bases of its instances.

This is the only module that spells longarm IRIs. Everything else refers to terms as
``LX.Organization`` and mints instance IRIs with :func:`entity_iri` and graph IRIs with
:func:`graph_iri`.

``LX`` is an :class:`rdflib.namespace.DefinedNamespace` with ``_fail = True``: a term
that is not declared here raises ``AttributeError``, so a typo cannot silently mint a new
IRI. ``tests/test_namespace.py`` checks that this list and ``ontology/longarm.ttl``
declare the same terms.

Examples
--------
>>> LX.Organization
rdflib.term.URIRef('https://w3id.org/longarm/ontology#Organization')
>>> entity_iri("org", "bleu")
rdflib.term.URIRef('https://w3id.org/longarm/id/org/bleu')
>>> LX.NoSuchTerm
Traceback (most recent call last):
...
AttributeError: term 'NoSuchTerm' not in namespace 'https://w3id.org/longarm/ontology#'
"""

from __future__ import annotations

import re
from typing import Final

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = [
    "DCTERMS",
    "ENTITY_KINDS",
    "GENID_BASE",
    "GRAPH_BASE",
    "ID_BASE",
    "INFERRED_PREFIX",
    "LX",
    "LXS",
    "META_GRAPH",
    "ONTOLOGY_IRI",
    "ORG",
    "PREFIXES",
    "PROV",
    "REVISION_GRAPH",
    "SKOS",
    "WIKIDATA",
    "entity_iri",
    "graph_iri",
    "split_entity_iri",
]

ONTOLOGY_IRI: Final = URIRef("https://w3id.org/longarm/ontology")
ID_BASE: Final = "https://w3id.org/longarm/id/"
GRAPH_BASE: Final = "https://w3id.org/longarm/graph/"
#: The provenance graph every load writes, and the prefix of the graphs of derived facts.
META_GRAPH: Final = GRAPH_BASE + "meta"
#: Where a store on a remote SPARQL engine keeps its revision (``lx:storeRevision``): not facts.
REVISION_GRAPH: Final = GRAPH_BASE + "revision"
#: Where a remote store's blank nodes are named (RDF 1.1 skolem IRIs): a query can name them there.
GENID_BASE: Final = "https://w3id.org/longarm/.well-known/genid/"
INFERRED_PREFIX: Final = GRAPH_BASE + "inferred/"

DCTERMS: Final = Namespace("http://purl.org/dc/terms/")
ORG: Final = Namespace("http://www.w3.org/ns/org#")
PROV: Final = Namespace("http://www.w3.org/ns/prov#")
SKOS: Final = Namespace("http://www.w3.org/2004/02/skos/core#")
WIKIDATA: Final = Namespace("http://www.wikidata.org/entity/")


class _TermStrings:
    """The IRIs of ``LX`` terms as plain strings, the keys of the engine's tables: ``LXS.operatedBy``.

    One table for every module (a term misspelt raises, as ``LX`` does):

    >>> LXS.operatedBy == str(LX.operatedBy)
    True
    """

    def __getattr__(self, name: str) -> str:
        value = str(getattr(LX, name))
        setattr(self, name, value)  # looked up once: later reads are plain attributes
        return value


LXS: Final = _TermStrings()

#: Prefixes declared for every SPARQL query and used to print compact IRIs.
PREFIXES: Final[dict[str, str]] = {
    "lx": "https://w3id.org/longarm/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "org": str(ORG),
    "prov": str(PROV),
    "jur": ID_BASE + "jur/",
    "lxorg": ID_BASE + "org/",
    "own": ID_BASE + "interest/",
    "svc": ID_BASE + "service/",
    "reg": ID_BASE + "region/",
    "ctr": ID_BASE + "contract/",
    "cert": ID_BASE + "certification/",
    "asset": ID_BASE + "asset/",
    "ins": ID_BASE + "instrument/",
    "auth": ID_BASE + "authority/",
    "src": ID_BASE + "source/",
    "lxg": GRAPH_BASE,
}

#: Path segment of each kind of instance under :data:`ID_BASE`.
ENTITY_KINDS: Final = (
    "jur",
    "org",
    "interest",
    "service",
    "region",
    "contract",
    "certification",
    "requirement",
    "asset",
    "instrument",
    "authority",
    "source",
    "exposure",
)

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class LX(DefinedNamespace):
    """Terms of ``https://w3id.org/longarm/ontology#``."""

    _NS = Namespace("https://w3id.org/longarm/ontology#")
    _fail = True

    # Classes
    Organization: URIRef
    Jurisdiction: URIRef
    OwnershipInterest: URIRef
    Service: URIRef
    Region: URIRef
    Contract: URIRef
    TechnicalAccess: URIRef
    DataAsset: URIRef
    LegalInstrument: URIRef
    Authority: URIRef
    Certification: URIRef
    Requirement: URIRef
    Criterion: URIRef
    AssuranceLevel: URIRef
    Exposure: URIRef
    PathStep: URIRef
    Source: URIRef
    ReachRule: URIRef
    SubjectCategoryRule: URIRef
    NexusRule: URIRef
    LocationRule: URIRef
    ControlRule: URIRef
    ConflictRule: URIRef

    # Dates as precise as their sources, assumptions, limits on control, conflict conditions,
    # verdicts and gaps
    notBefore: URIRef
    notAfter: URIRef
    Assumed: URIRef
    controlLimitedBy: URIRef
    SecurityAgreement: URIRef
    issuerOutside: URIRef
    dataStoredIn: URIRef
    bindsOrganizationKind: URIRef
    subsidiariesRecorded: URIRef
    ownersRecorded: URIRef
    verdict: URIRef
    gap: URIRef
    gapKind: URIRef
    gapSubject: URIRef
    Gap: URIRef
    Assessment: URIRef
    Verdicts: URIRef
    Exposed: URIRef
    NoneFound: URIRef
    Incomplete: URIRef
    GapKinds: URIRef
    NoRecordedService: URIRef
    NoLocation: URIRef
    NoOperator: URIRef
    UncertainFact: URIRef
    NotInExistence: URIRef
    SubsidiariesNotRecorded: URIRef
    OwnersNotRecorded: URIRef
    JurisdictionUnknown: URIRef
    CategoryUnknown: URIRef

    # Object properties
    organizationKind: URIRef
    incorporatedIn: URIRef
    headquarteredIn: URIRef
    hasEstablishmentIn: URIRef
    branchOf: URIRef
    consolidatedBy: URIRef
    subjectCategory: URIRef
    owner: URIRef
    owned: URIRef
    interestKind: URIRef
    provider: URIRef
    operatedBy: URIRef
    contractingEntity: URIRef
    technologyLicensor: URIRef
    hostedIn: URIRef
    serviceCategory: URIRef
    locatedIn: URIRef
    memberOf: URIRef
    jurisdictionKind: URIRef
    party: URIRef
    contractKind: URIRef
    concernsService: URIRef
    grantsAccess: URIRef
    grantee: URIRef
    accessKind: URIRef
    dataController: URIRef
    hostedOn: URIRef
    storedIn: URIRef
    keysHeldBy: URIRef
    dataCategory: URIRef
    enactedBy: URIRef
    instrumentKind: URIRef
    wieldedBy: URIRef
    compels: URIRef
    reachRule: URIRef
    actsFor: URIRef
    category: URIRef
    nexus: URIRef
    nexusJurisdiction: URIRef
    location: URIRef
    locationJurisdiction: URIRef
    controlTest: URIRef
    confidenceIfOnly: URIRef
    protects: URIRef
    scheme: URIRef
    certifies: URIRef
    holder: URIRef
    status: URIRef
    confidence: URIRef
    url: URIRef
    asset: URIRef
    instrument: URIRef
    authority: URIRef
    compellableEntity: URIRef
    basis: URIRef
    confidenceTier: URIRef
    scope: URIRef
    conflict: URIRef
    pathStep: URIRef
    stepSubject: URIRef
    stepPredicate: URIRef
    stepObject: URIRef
    stepFact: URIRef
    impliesCategory: URIRef
    mayImplyCategory: URIRef

    # Datatype properties
    legalName: URIRef
    lei: URIRef
    wikidata: URIRef
    siren: URIRef
    registrationNumber: URIRef
    registeredAddress: URIRef
    isoCode: URIRef
    shareOfCapital: URIRef
    shareOfCapitalMin: URIRef
    shareOfCapitalMax: URIRef
    shareOfVotes: URIRef
    shareOfVotesMin: URIRef
    shareOfVotesMax: URIRef
    indirect: URIRef
    validFrom: URIRef
    validUntil: URIRef
    caveat: URIRef
    regionCode: URIRef
    citation: URIRef
    inForceFrom: URIRef
    inForceUntil: URIRef
    residualUntil: URIRef
    hasGag: URIRef
    secrecy: URIRef
    challengeRoute: URIRef
    threshold: URIRef
    milestone: URIRef
    decisionNumber: URIRef
    schemeVersion: URIRef
    criterion: URIRef
    criterionKind: URIRef
    clause: URIRef
    trustedArea: URIRef
    individualCap: URIRef
    collectiveCap: URIRef
    warningMargin: URIRef
    controlThreshold: URIRef
    scopeCategory: URIRef
    qualificationScheme: URIRef
    noticePeriod: URIRef
    storeRevision: URIRef
    guaranteesOperatingAutonomy: URIRef
    level: URIRef
    rank: URIRef
    requiredFor: URIRef
    retrievedOn: URIRef
    reachesData: URIRef
    explanation: URIRef
    mitigation: URIRef
    asOf: URIRef
    stepIndex: URIRef
    appliesToAnyOrganization: URIRef

    # Concept schemes
    OrganizationKinds: URIRef

    # Concepts
    Company: URIRef
    Branch: URIRef
    State: URIRef
    PublicBody: URIRef
    Family: URIRef
    NaturalPerson: URIRef
    EmployeeUnion: URIRef
    InvestmentFund: URIRef

    # Concept schemes
    InterestKinds: URIRef

    # Concepts
    Shareholding: URIRef
    JointControl: URIRef
    SoleControl: URIRef
    BoardAppointment: URIRef
    VetoRight: URIRef

    # Concept schemes
    ContractKinds: URIRef

    # Concepts
    TechnologyLicence: URIRef
    JointVentureAgreement: URIRef
    Subprocessing: URIRef
    SupportAgreement: URIRef
    Agency: URIRef
    CloudServiceAgreement: URIRef
    ContractAddendum: URIRef
    ShareholdersAgreement: URIRef

    # Concept schemes
    AccessKinds: URIRef

    # Concepts
    NoAccess: URIRef
    SupportAccess: URIRef
    AdministrativeAccess: URIRef
    KeyManagement: URIRef
    SoftwareUpdates: URIRef
    Telemetry: URIRef

    # Concept schemes
    CompelScopes: URIRef

    # Concepts
    StoredContent: URIRef
    NonContentRecords: URIRef
    SubscriberInformation: URIRef
    RealTimeInterception: URIRef
    Preservation: URIRef
    TechnicalAssistance: URIRef
    ProtectionRemoval: URIRef
    KeyHandover: URIRef
    ServiceCutOff: URIRef
    ChangeNotification: URIRef

    # Concept schemes
    SubjectCategories: URIRef

    # Concepts
    ElectronicCommunicationService: URIRef
    RemoteComputingService: URIRef
    ElectronicCommunicationServiceProvider: URIRef
    TelecommunicationsOperator: URIRef
    PostalOperator: URIRef
    DesignatedCommunicationsProvider: URIRef
    OrganizationOrCitizen: URIRef
    NetworkOperator: URIRef
    CriticalInfrastructureOperator: URIRef
    InformationDisseminationOrganizer: URIRef
    ServiceProviderInUnion: URIRef
    USPerson: URIRef
    ControllerOrProcessor: URIRef
    DataHandler: URIRef

    # Concept schemes
    Nexuses: URIRef

    # Concepts
    Incorporation: URIRef
    Headquarters: URIRef
    Establishment: URIRef
    SubsidiaryPresence: URIRef
    ServingPersonsInJurisdiction: URIRef
    OfferingServicesInUnion: URIRef

    # Concept schemes
    LocationRules: URIRef

    # Concepts
    Agnostic: URIRef
    Territorial: URIRef
    LocalisationRequired: URIRef

    # Concept schemes
    ControlTests: URIRef

    # Concepts
    LegalRight: URIRef
    PracticalAbility: URIRef
    DecisiveInfluence: URIRef
    MajorityOwnership: URIRef
    FrenchCommercialCodeControl: URIRef

    # Concept schemes
    ConfidenceTiers: URIRef

    # Concepts
    Established: URIRef
    Likely: URIRef
    Contested: URIRef
    Residual: URIRef

    # Concept schemes
    SourceQualities: URIRef

    # Concepts
    Primary: URIRef
    Secondary: URIRef
    Uncertain: URIRef

    # Concept schemes
    ServiceCategories: URIRef

    # Concepts
    IaaS: URIRef
    PaaS: URIRef
    CaaS: URIRef
    SaaS: URIRef

    # Concept schemes
    CertificationSchemes: URIRef

    # Concepts
    SecNumCloud: URIRef
    HDS: URIRef
    C5: URIRef
    GaiaXLabel: URIRef

    # Concept schemes
    CertificationStatuses: URIRef
    CriterionKinds: URIRef
    SeatInArea: URIRef
    HoldingCaps: URIRef
    NoOutsideAccess: URIRef
    NoOutsideControl: URIRef
    DataInArea: URIRef
    QualifiedHosting: URIRef
    NoOutsideCompulsion: URIRef
    OperatingAutonomy: URIRef
    NoOutsideDependency: URIRef
    ChangeNotice: URIRef
    AreaOption: URIRef
    SafeguardsAgainstOrders: URIRef
    NotAssessable: URIRef
    LegallyProtectedSecrets: URIRef
    EssentialMissionData: URIRef

    # Concepts
    Qualified: URIRef
    InEvaluation: URIRef
    Lapsed: URIRef

    # Concept schemes
    InstrumentKinds: URIRef

    # Concepts
    AccessInstrument: URIRef
    SanctionsInstrument: URIRef
    CounterInstrument: URIRef

    # Concept schemes
    Bases: URIRef

    # Concepts
    Possession: URIRef
    CustodyViaContract: URIRef
    ContractingEntity: URIRef
    ControlViaOwnership: URIRef
    PresenceViaSubsidiary: URIRef
    PresenceViaBranch: URIRef
    TechnologyDependency: URIRef

    # Concept schemes
    DataCategories: URIRef

    # Concepts
    HealthData: URIRef
    PersonalData: URIRef
    IdentificationData: URIRef

    # Concept schemes
    JurisdictionKinds: URIRef

    # Concepts
    Country: URIRef
    SupranationalUnion: URIRef
    EconomicArea: URIRef


def entity_iri(kind: str, slug: str) -> URIRef:
    """Return the IRI of an instance of `kind` with the given `slug`.

    Raises
    ------
    ValueError
        If `kind` is unknown or `slug` is not a plain slug.
    """
    if kind not in ENTITY_KINDS:
        raise ValueError(f"unknown entity kind {kind!r}; expected one of {', '.join(ENTITY_KINDS)}")
    if not _SLUG.match(slug):
        raise ValueError(f"invalid slug {slug!r}")
    return URIRef(f"{ID_BASE}{kind}/{slug}")


def split_entity_iri(iri: str) -> tuple[str, str] | None:
    """Return ``(kind, slug)`` for a longarm instance IRI, or ``None``.

    >>> split_entity_iri("https://w3id.org/longarm/id/org/bleu")
    ('org', 'bleu')
    >>> split_entity_iri("https://example.org/x") is None
    True
    """
    if not iri.startswith(ID_BASE):
        return None
    kind, _, slug = iri[len(ID_BASE) :].partition("/")
    if kind not in ENTITY_KINDS or not slug:
        return None
    return kind, slug


def graph_iri(name: str) -> URIRef:
    """Return the IRI of the named graph called `name` (a slug, may contain ``/``).

    >>> graph_iri("data/organizations")
    rdflib.term.URIRef('https://w3id.org/longarm/graph/data/organizations')
    """
    parts = name.split("/")
    if not all(_SLUG.match(p) for p in parts):
        raise ValueError(f"invalid graph name {name!r}")
    return URIRef(GRAPH_BASE + name)
