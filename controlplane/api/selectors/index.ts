// Label and field selectors: parsing their string forms with Kubernetes'
// grammar and messages, converting LabelSelector objects, matching.

export {
  formatLabelSelector,
  formatRequirement,
  formatRequirements,
  matchesLabelSelector,
  matchesRequirement,
  matchesRequirements,
  requirementsOfLabelSelector,
  SelectorError,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirements.js';
export { parseLabelSelector } from './label-parser.js';
export { fieldSelectorRequirements, labelSelectorMatcher } from './requests.js';
export {
  formatFieldRequirement,
  isSelectableField,
  matchesFields,
  parseFieldSelector,
  selectableFields,
  selectableFieldValue,
  unsupportedFieldMessage,
  type FieldRequirement,
} from './field-selector.js';
