import type { AgentContext } from '../context';
import { ToolRegistry } from '../registry';
import { changesSinceDeployTool } from './changeTools';
import { buildLogsTool, deployHistoryTool, deployStatusTool, deployTool, usageTool } from './deployTools';
import { analyzeGitHubRepoTool, deployGitHubRepoTool, listGitHubReposTool } from './gitHubTools';
import { cancelDeployTool, chooseProjectTool, listProjectsTool } from './projectTools';
import { promoteTagTool, splitTrafficTool, updateConfigTool } from './configTools';
import { createDomainMappingTool, listDomainMappingsTool } from './domainTools';
import { deployImageTool } from './imageTools';
import { importEnvTool } from './envTools';
import { runLocallyTool } from './localTools';
import { saveDeployConfigTool } from './deployConfigTools';
import { deleteServiceTool, describeServiceTool, listRevisionsTool, listServicesTool, rollbackTool, serviceLogsTool, setEnvTool } from './serviceTools';
import { sendTrafficTool } from './trafficTools';
import { failureEvidenceTool } from './fixTools';
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
    .register(listProjectsTool())
    .register(chooseProjectTool())
    .register(cancelDeployTool())
    .register(updateConfigTool())
    .register(splitTrafficTool())
    .register(promoteTagTool())
    .register(listDomainMappingsTool())
    .register(createDomainMappingTool())
    .register(deployImageTool())
    .register(listGitHubReposTool())
    .register(analyzeGitHubRepoTool())
    .register(deployGitHubRepoTool())
    .register(failureEvidenceTool())
    .register(proposeFixTool())
    .register(saveDeployConfigTool())
    .register(usageTool())
    .register(runLocallyTool());
}
