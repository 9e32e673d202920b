import type { AgentContext } from '../context';
import { ToolRegistry } from '../registry';
import { changesSinceDeployTool } from './changeTools';
import { buildLogsTool, deployHistoryTool, deployStatusTool, deployTool, usageTool } from './deployTools';
import { deployGitHubRepoTool, listGitHubReposTool } from './gitHubTools';
import { importEnvTool } from './envTools';
import { saveDeployConfigTool } from './deployConfigTools';
import { deleteServiceTool, describeServiceTool, listRevisionsTool, listServicesTool, rollbackTool, serviceLogsTool, setEnvTool } from './serviceTools';
import { sendTrafficTool } from './trafficTools';
import { analyzeTool, dockerfileTool, proposeFixTool, readFileTool } from './workspaceTools';

/** VS Code's language-model tool names are global: Devgem's carry this prefix. */
export const LM_TOOL_PREFIX = 'devgem_';

/** Every tool the agent and the offline chat use; later features register theirs here too. */
export function createToolRegistry(): ToolRegistry<AgentContext> {
  return new ToolRegistry<AgentContext>()
    .register(analyzeTool())
    .register(dockerfileTool())
    .register(readFileTool())
    .register(deployTool())
    .register(deployStatusTool())
    .register(buildLogsTool())
    .register(deployHistoryTool())
    .register(changesSinceDeployTool())
    .register(listServicesTool())
    .register(describeServiceTool())
    .register(serviceLogsTool())
    .register(setEnvTool())
    .register(importEnvTool())
    .register(listRevisionsTool())
    .register(rollbackTool())
    .register(sendTrafficTool())
    .register(deleteServiceTool())
    .register(listGitHubReposTool())
    .register(deployGitHubRepoTool())
    .register(proposeFixTool())
    .register(saveDeployConfigTool())
    .register(usageTool());
}
