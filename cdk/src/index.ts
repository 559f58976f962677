// @slsrt/cdk: constructs for C functions on the slsrt Lambda runtime.
export { SlsrtArch } from './arch';
export { SlsrtFunctionInfo, SlsrtPermission } from './info';
export { latestParameterName, SlsrtLayer, SlsrtLayerProps } from './layer';
export { SlsrtLayerRef } from './layer-ref';
export {
  SlsrtDurableOptions, SlsrtFunction, SlsrtFunctionProps, SlsrtQueueOptions, SlsrtRuleOptions, SlsrtSecretValue,
  SlsrtStreamOptions,
} from './function';
