import { model, string, type Model } from "./fields.ts";

/** The Main API's marshalling: every object it answers is one of these models applied to a stored document. */
export { marshal, pager, type MarshalContext, type Model } from "./fields.ts";
export { parseMask } from "./mask.ts";
export { dataset, datasetV2, datasetSuggestion } from "./dataset.ts";
export { resource, uploadedResource, communityResource } from "./resource.ts";
export { organization, organizationSuggestion, user, me, userSuggestion } from "./organization.ts";
export { reuse, reuseSuggestion, REUSE_PAGE_MASK } from "./reuse.ts";
export { dataservice } from "./dataservice.ts";
export { discussion } from "./discussion.ts";
export { post, POST_PAGE_MASK } from "./post.ts";
export { topic, topicElement } from "./topic.ts";
export { site } from "./site.ts";
export { license, LICENSES } from "./license.ts";
export { featureCollection, zoneSuggestion, level, GRANULARITIES, zoneFeature } from "./spatial.ts";

/** frequency_fields, resource_type_fields, reuse_type_fields, reuse_topic_fields: an id and its label. */
export const labelled: Model = model("Labelled", { id: string(), label: string() });
