/**
 * The picture topic's builders and parser (protocols/pictures.ts says what the topic carries). Apart
 * from pictures.ts because they need the contract's root and id rule, which the console's page must
 * not load.
 */
import { ROOT } from './contract.ts';
import { ID_PATTERN } from './schemas.ts';
import { PICTURE_MAX_BYTES, PICTURE_TOPIC_LEAF } from './pictures.ts';

const LEAF = PICTURE_TOPIC_LEAF;
export const pictureTopic = (agentId: string, deviceId: string): string => `${ROOT}/agents/${agentId}/devices/${deviceId}/${LEAF}`;
/** What the controller subscribes to: every agent's every device's picture. */
export const PICTURE_SUBSCRIPTION = `${ROOT}/agents/+/devices/+/${LEAF}`;
/** An agent's own rule, relative to ROOT (protocols/access.ts). */
export const ownPictureRule = (agentId: string): string => `agents/${agentId}/devices/+/${LEAF}`;

const ID = new RegExp(ID_PATTERN);
const ROOT_LEVELS = ROOT.split('/').length;

/** The agent and device of a picture topic (ids checked as in every other topic), or undefined for any other topic. */
export function parsePictureTopic(mqttTopic: string): { agentId: string; deviceId: string } | undefined {
  if (!mqttTopic.endsWith(`/${LEAF}`)) return undefined;
  const levels = mqttTopic.split('/');
  if (levels.length !== ROOT_LEVELS + 5 || `${levels[0]}/${levels[1]}` !== ROOT) return undefined;
  const [agents, agentId, devices, deviceId] = levels.slice(ROOT_LEVELS);
  if (agents !== 'agents' || devices !== 'devices' || !ID.test(agentId!) || !ID.test(deviceId!)) return undefined;
  return { agentId: agentId!, deviceId: deviceId! };
}

/** The bound of a picture topic, or undefined for any other topic (the broker's payload check). */
export const pictureBound = (mqttTopic: string): number | undefined => (parsePictureTopic(mqttTopic) ? PICTURE_MAX_BYTES : undefined);
