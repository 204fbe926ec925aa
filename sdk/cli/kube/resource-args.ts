// kubectl's resource arguments: `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...`,
// types by plural, singular, short name or kind (`po`, `pods`, `Pod`,
// `deployments.apps`), and `all` for the types of the `all` category.

import {
  RESOURCE_TYPES,
  resourceTypeByName,
  type ResourceType,
} from '../../../controlplane/api/resources.js';
import { CliError } from '../cli-error.js';

/** One type and the names asked of it (none: every object). */
export interface ResourceSelection {
  readonly type: ResourceType;
  readonly names: readonly string[];
  /** The names' namespace when a manifest gave it (`get -f`); else the scope's. */
  readonly namespace?: string;
}

/** The type a user means by `name`; a CliError worded as kubectl's when none. */
export function resolveType(name: string): ResourceType {
  const type = resourceTypeByName(name);
  if (!type) throw new CliError(`the server doesn't have a resource type "${name}"`);
  return type;
}

/** kubectl's order of the `all` category (discovery's), by plural. */
const ALL_ORDER = [
  'pods',
  'replicationcontrollers',
  'services',
  'daemonsets',
  'deployments',
  'replicasets',
  'statefulsets',
  'horizontalpodautoscalers',
  'cronjobs',
  'jobs',
];

/** The types of the `all` category, in the order kubectl prints them. */
export function allCategoryTypes(): ResourceType[] {
  const rank = (type: ResourceType) => {
    const index = ALL_ORDER.indexOf(type.plural);
    return index < 0 ? ALL_ORDER.length : index;
  };
  return RESOURCE_TYPES.filter((type) => type.categories.includes('all')).sort(
    (a, b) => rank(a) - rank(b),
  );
}

function expandTypes(text: string): ResourceType[] {
  return text
    .split(',')
    .filter((part) => part !== '')
    .flatMap((part) => (part.toLowerCase() === 'all' ? allCategoryTypes() : [resolveType(part)]));
}

/**
 * The selections `args` name, in order. Throws CliError for an unknown type,
 * no arguments, or a mix of the two forms.
 */
export function parseResourceArgs(args: readonly string[], verb = 'get'): ResourceSelection[] {
  const [first, ...rest] = args;
  if (first === undefined) {
    throw new CliError(
      `You must specify the type of resource to ${verb}. Use "skiff api-resources" for a complete list of supported resources.`,
    );
  }
  if (first.includes('/')) {
    const selections: { type: ResourceType; names: string[] }[] = [];
    for (const arg of args) {
      const slash = arg.indexOf('/');
      if (slash <= 0 || slash === arg.length - 1) {
        throw new CliError(
          `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'skiff ${verb} resource/<resource_name>' instead of 'skiff ${verb} resource resource/<resource_name>'`,
        );
      }
      const type = resolveType(arg.slice(0, slash));
      const name = arg.slice(slash + 1);
      const last = selections[selections.length - 1];
      if (last && last.type === type) last.names.push(name);
      else selections.push({ type, names: [name] });
    }
    return selections;
  }
  if (rest.some((arg) => arg.includes('/'))) {
    throw new CliError(
      `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'skiff ${verb} resource/<resource_name>' instead of 'skiff ${verb} resource resource/<resource_name>'`,
    );
  }
  const types = [...new Set(expandTypes(first))];
  return types.map((type) => ({ type, names: rest }));
}
