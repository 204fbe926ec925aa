// What each served kind checks beyond its schema: the name rule of its
// metadata, its own rules on create and on update (Kubernetes' Validate<Kind>
// and Validate<Kind>Update), as one table. The functions receive objects that
// passed the schema's type checks, which is what makes the casts to the
// generated kind types sound.

import type { FieldError } from '../errors.js';
import type {
  ConfigMap,
  Deployment,
  Endpoints,
  Event,
  HorizontalPodAutoscaler,
  Lease,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  Secret,
  Service,
} from '../generated/index.js';
import type { KubeObject } from '../types.js';
import { validateDeployment, validateReplicaSet, validateSelectorUpdate } from './apps.js';
import { validateHorizontalPodAutoscaler } from './autoscaling.js';
import { validateEvent, validateLease, validateNamespace, validateNode } from './cluster.js';
import { validateConfigMap, validateDataUpdate, validateSecret } from './config.js';
import {
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  type NameValidator,
} from './names.js';
import { validatePod, validatePodUpdate } from './pods.js';
import { validateEndpoints, validateService, validateServiceUpdate } from './services.js';

/** The checks of one kind. Objects passed in have passed the schema's type checks. */
export interface KindRules {
  /** How the kind's names are checked (`metadata.name`, `metadata.generateName`). */
  readonly name: NameValidator;
  /** Whether `ValidateObjectMeta` applies (core/v1 Events skip it, as in Kubernetes). */
  readonly checksMetadata: boolean;
  /** Rules on any write (create or update). */
  validate(object: KubeObject): FieldError[];
  /** Extra rules of an update from `old`. */
  validateUpdate?(object: KubeObject, old: KubeObject): FieldError[];
}

const subdomainNamed = { name: nameIsDNSSubdomain, checksMetadata: true } as const;

/** The rules of each served kind, by kind name. */
export const KIND_RULES: Readonly<Record<string, KindRules>> = {
  Namespace: {
    name: nameIsDNSLabel,
    checksMetadata: true,
    validate: (o) => validateNamespace(o as Namespace),
  },
  Node: { ...subdomainNamed, validate: (o) => validateNode(o as Node) },
  Pod: {
    ...subdomainNamed,
    validate: (o) => validatePod(o as Pod),
    validateUpdate: (o, old) => validatePodUpdate(o as Pod, old as Pod),
  },
  Service: {
    name: nameIsDNS1035Label,
    checksMetadata: true,
    validate: (o) => validateService(o as Service),
    validateUpdate: (o, old) => validateServiceUpdate(o as Service, old as Service),
  },
  Endpoints: { ...subdomainNamed, validate: (o) => validateEndpoints(o as Endpoints) },
  Event: {
    name: nameIsDNSSubdomain,
    checksMetadata: false,
    validate: (o) => validateEvent(o as Event),
  },
  ConfigMap: {
    ...subdomainNamed,
    validate: (o) => validateConfigMap(o as ConfigMap),
    validateUpdate: (o, old) => validateDataUpdate(o as ConfigMap, old as ConfigMap),
  },
  Secret: {
    ...subdomainNamed,
    validate: (o) => validateSecret(o as Secret),
    validateUpdate: (o, old) => validateDataUpdate(o as Secret, old as Secret),
  },
  ReplicaSet: {
    ...subdomainNamed,
    validate: (o) => validateReplicaSet(o as ReplicaSet),
    validateUpdate: (o, old) => validateSelectorUpdate(o as ReplicaSet, old as ReplicaSet),
  },
  Deployment: {
    ...subdomainNamed,
    validate: (o) => validateDeployment(o as Deployment),
    validateUpdate: (o, old) => validateSelectorUpdate(o as Deployment, old as Deployment),
  },
  Lease: { ...subdomainNamed, validate: (o) => validateLease(o as Lease) },
  HorizontalPodAutoscaler: {
    ...subdomainNamed,
    validate: (o) => validateHorizontalPodAutoscaler(o as HorizontalPodAutoscaler),
  },
};
