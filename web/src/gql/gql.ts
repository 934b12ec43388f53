/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation SignIn($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation RefreshSession($token: String!) {\n    refreshToken(token: $token) {\n      ...AuthFields\n    }\n  }\n": typeof types.RefreshSessionDocument,
    "\n  mutation SignOut($token: String!) {\n    logout(refreshToken: $token)\n  }\n": typeof types.SignOutDocument,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    refreshTokenExpiresAt\n    user {\n      id\n      name\n      email\n      role\n    }\n  }\n": typeof types.AuthFieldsFragmentDoc,
    "\n  mutation MoveDeal($id: ID!, $stage: DealStage!, $note: String) {\n    moveDeal(id: $id, stage: $stage, note: $note) {\n      ...BoardCard\n    }\n  }\n": typeof types.MoveDealDocument,
    "\n  fragment BoardCard on Deal {\n    id\n    title\n    stage\n    stageChangedAt\n    contractPrice\n    offerAmount\n    assignedUser {\n      id\n      name\n    }\n    lead {\n      id\n      firstName\n      lastName\n    }\n  }\n": typeof types.BoardCardFragmentDoc,
    "\n  query Board($first: Int!) {\n    pipeline {\n      stage\n      count\n      totalValue\n    }\n    newDeals: deals(first: $first, filter: { stages: [NEW] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    contacted: deals(first: $first, filter: { stages: [CONTACTED] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    appointmentSet: deals(first: $first, filter: { stages: [APPOINTMENT_SET] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    offerMade: deals(first: $first, filter: { stages: [OFFER_MADE] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    negotiation: deals(first: $first, filter: { stages: [NEGOTIATION] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    underContract: deals(first: $first, filter: { stages: [UNDER_CONTRACT] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    closedWon: deals(first: $first, filter: { stages: [CLOSED_WON] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    closedLost: deals(first: $first, filter: { stages: [CLOSED_LOST] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n  }\n  fragment BoardColumn on DealConnection {\n    edges {\n      node {\n        ...BoardCard\n      }\n    }\n  }\n": typeof types.BoardDocument,
    "\n  subscription PipelineChanged {\n    pipelineEvents {\n      type\n      fromStage\n      toStage\n      deal {\n        ...BoardCard\n      }\n    }\n  }\n": typeof types.PipelineChangedDocument,
    "\n  fragment CampaignDetail on Campaign {\n    id\n    name\n    channel\n    status\n    launchedAt\n    completedAt\n    stats {\n      total\n      queued\n      sending\n      deferred\n      sent\n      delivered\n      opened\n      clicked\n      replied\n      optedOut\n      bounced\n      failed\n      skipped\n      cancelled\n    }\n  }\n": typeof types.CampaignDetailFragmentDoc,
    "\n  query CampaignList {\n    campaigns {\n      ...CampaignDetail\n    }\n  }\n": typeof types.CampaignListDocument,
    "\n  query CampaignOne($id: ID!) {\n    campaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": typeof types.CampaignOneDocument,
    "\n  subscription CampaignLive($id: ID!) {\n    campaignProgress(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": typeof types.CampaignLiveDocument,
    "\n  mutation LaunchCampaignFromPage($id: ID!) {\n    launchCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": typeof types.LaunchCampaignFromPageDocument,
    "\n  mutation PauseCampaignFromPage($id: ID!) {\n    pauseCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": typeof types.PauseCampaignFromPageDocument,
    "\n  mutation ResumeCampaignFromPage($id: ID!) {\n    resumeCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": typeof types.ResumeCampaignFromPageDocument,
    "\n  fragment DashboardSections on Analytics {\n    range {\n      from\n      to\n    }\n    funnel {\n      step\n      count\n      stepConversion\n      overallConversion\n      medianDaysFromPrevious\n    }\n    velocity {\n      medianDaysLeadToContract\n      medianDaysLeadToClose\n      contracts\n      closed\n    }\n    stageDurations {\n      stage\n      entered\n      stillThere\n      medianDays\n      p75Days\n      p90Days\n    }\n    sourceRoi {\n      source\n      spend\n      leads\n      costPerLead\n      appointments\n      contracts\n      closedDeals\n      costPerDeal\n      revenue\n      roi\n    }\n    campaignPerformance {\n      campaignId\n      channel\n      sent\n      delivered\n      opened\n      clicked\n      replied\n      optedOut\n      bounced\n      deliveryRate\n      openRate\n      replyRate\n    }\n    team {\n      userId\n      user {\n        name\n      }\n      leadsAssigned\n      medianFirstResponseMinutes\n      dealsMoved\n      contracts\n      closedRevenue\n    }\n    revenue(bucket: MONTH) {\n      closedWon\n      revenue\n      series {\n        start\n        closedWon\n        revenue\n      }\n    }\n    forecast {\n      expectedValue\n      byMonth {\n        month\n        deals\n        expectedValue\n      }\n    }\n  }\n": typeof types.DashboardSectionsFragmentDoc,
    "\n  query Dashboard($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {\n    analytics(range: $range, filter: $filter) {\n      ...DashboardSections\n    }\n    users {\n      id\n      name\n      role\n    }\n    campaigns {\n      id\n      name\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  subscription DashboardLive($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {\n    analyticsUpdated(range: $range, filter: $filter) {\n      ...DashboardSections\n    }\n  }\n": typeof types.DashboardLiveDocument,
    "\n  fragment ImportSummary on Import {\n    id\n    jobId\n    kind\n    fileName\n    status\n    rowsTotal\n    rowsImported\n    rowsDuplicate\n    rowsInvalid\n    error\n    createdAt\n    errorReportUrl\n  }\n": typeof types.ImportSummaryFragmentDoc,
    "\n  query ImportList {\n    imports(first: 10) {\n      ...ImportSummary\n    }\n  }\n": typeof types.ImportListDocument,
    "\n  query ImportOne($id: ID!) {\n    import(id: $id) {\n      ...ImportSummary\n      unmappedColumns\n      issues(first: 50) {\n        id\n        rowNumber\n        kind\n        field\n        message\n      }\n    }\n  }\n": typeof types.ImportOneDocument,
    "\n  mutation ImportLeadsFromPage($input: ImportLeadsInput!) {\n    importLeads(input: $input) {\n      ...ImportSummary\n    }\n  }\n": typeof types.ImportLeadsFromPageDocument,
    "\n  mutation ImportPropertiesFromPage($input: ImportPropertiesInput!) {\n    importProperties(input: $input) {\n      ...ImportSummary\n    }\n  }\n": typeof types.ImportPropertiesFromPageDocument,
    "\n  mutation ImportUploadUrl {\n    createUploadUrl {\n      uploadId\n      url\n      maxBytes\n    }\n  }\n": typeof types.ImportUploadUrlDocument,
    "\n  subscription ImportJob($id: ID!) {\n    jobProgress(id: $id) {\n      progress\n      state\n      error\n    }\n  }\n": typeof types.ImportJobDocument,
    "\n  query LeadPage($id: ID!) {\n    lead(id: $id) {\n      id\n      firstName\n      lastName\n      phone\n      email\n      status\n      source\n      motivation\n      score\n      assignedUser {\n        name\n      }\n      property {\n        addressLine\n        city\n        state\n        zip\n        estimatedValue\n      }\n      deals {\n        id\n        title\n        stage\n        contractPrice\n        offerAmount\n      }\n      activities(first: 30) {\n        id\n        type\n        direction\n        body\n        outcome\n        occurredAt\n        user {\n          name\n        }\n      }\n    }\n    conversation(leadId: $id, limit: 50) {\n      unreadCount\n      messages {\n        id\n        direction\n        channel\n        body\n        subject\n        status\n        at\n        sentBy {\n          name\n        }\n      }\n    }\n    tasks(filter: { leadId: $id, statuses: [OPEN] }, first: 20) {\n      edges {\n        node {\n          id\n          title\n          dueAt\n          type\n        }\n      }\n    }\n  }\n": typeof types.LeadPageDocument,
    "\n  mutation ReplyBySms($leadId: ID!, $body: String!) {\n    sendLeadSms(leadId: $leadId, body: $body) {\n      id\n      status\n    }\n  }\n": typeof types.ReplyBySmsDocument,
    "\n  subscription LeadInbound {\n    inboundMessageReceived {\n      id\n      leadId\n    }\n  }\n": typeof types.LeadInboundDocument,
    "\n  fragment MyDayTask on Task {\n    id\n    title\n    type\n    priority\n    dueAt\n    allDay\n    lead {\n      id\n      firstName\n      lastName\n      phone\n    }\n  }\n  fragment MyDayLead on Lead {\n    id\n    firstName\n    lastName\n    source\n    phone\n    createdAt\n    lastInboundAt\n  }\n": typeof types.MyDayTaskFragmentDoc,
    "\n  query MyDay {\n    myDay(limit: 25) {\n      date\n      counts {\n        todayTasks\n        overdueTasks\n        newLeads\n        awaitingReply\n        staleLeads\n      }\n      overdueTasks {\n        ...MyDayTask\n      }\n      todayTasks {\n        ...MyDayTask\n      }\n      newLeads {\n        ...MyDayLead\n      }\n      awaitingReply {\n        ...MyDayLead\n      }\n    }\n  }\n": typeof types.MyDayDocument,
    "\n  mutation CompleteTaskWithOutcome($id: ID!, $input: CompleteTaskInput) {\n    completeTask(id: $id, input: $input) {\n      id\n      status\n    }\n  }\n": typeof types.CompleteTaskWithOutcomeDocument,
    "\n  subscription MyDayChanged {\n    pipelineEvents {\n      type\n    }\n  }\n": typeof types.MyDayChangedDocument,
    "\n  query UnreadCount {\n    unreadNotificationCount\n  }\n": typeof types.UnreadCountDocument,
    "\n  query RecentNotifications {\n    notifications(first: 15) {\n      edges {\n        node {\n          id\n          kind\n          title\n          body\n          createdAt\n          readAt\n          lead {\n            id\n          }\n          deal {\n            id\n          }\n        }\n      }\n    }\n  }\n": typeof types.RecentNotificationsDocument,
    "\n  subscription NotificationArrived {\n    notificationReceived {\n      id\n      title\n    }\n  }\n": typeof types.NotificationArrivedDocument,
    "\n  mutation MarkAllNotificationsRead {\n    markNotificationsRead(all: true)\n  }\n": typeof types.MarkAllNotificationsReadDocument,
};
const documents: Documents = {
    "\n  mutation SignIn($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n": types.SignInDocument,
    "\n  mutation RefreshSession($token: String!) {\n    refreshToken(token: $token) {\n      ...AuthFields\n    }\n  }\n": types.RefreshSessionDocument,
    "\n  mutation SignOut($token: String!) {\n    logout(refreshToken: $token)\n  }\n": types.SignOutDocument,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    refreshTokenExpiresAt\n    user {\n      id\n      name\n      email\n      role\n    }\n  }\n": types.AuthFieldsFragmentDoc,
    "\n  mutation MoveDeal($id: ID!, $stage: DealStage!, $note: String) {\n    moveDeal(id: $id, stage: $stage, note: $note) {\n      ...BoardCard\n    }\n  }\n": types.MoveDealDocument,
    "\n  fragment BoardCard on Deal {\n    id\n    title\n    stage\n    stageChangedAt\n    contractPrice\n    offerAmount\n    assignedUser {\n      id\n      name\n    }\n    lead {\n      id\n      firstName\n      lastName\n    }\n  }\n": types.BoardCardFragmentDoc,
    "\n  query Board($first: Int!) {\n    pipeline {\n      stage\n      count\n      totalValue\n    }\n    newDeals: deals(first: $first, filter: { stages: [NEW] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    contacted: deals(first: $first, filter: { stages: [CONTACTED] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    appointmentSet: deals(first: $first, filter: { stages: [APPOINTMENT_SET] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    offerMade: deals(first: $first, filter: { stages: [OFFER_MADE] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    negotiation: deals(first: $first, filter: { stages: [NEGOTIATION] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    underContract: deals(first: $first, filter: { stages: [UNDER_CONTRACT] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    closedWon: deals(first: $first, filter: { stages: [CLOSED_WON] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    closedLost: deals(first: $first, filter: { stages: [CLOSED_LOST] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n  }\n  fragment BoardColumn on DealConnection {\n    edges {\n      node {\n        ...BoardCard\n      }\n    }\n  }\n": types.BoardDocument,
    "\n  subscription PipelineChanged {\n    pipelineEvents {\n      type\n      fromStage\n      toStage\n      deal {\n        ...BoardCard\n      }\n    }\n  }\n": types.PipelineChangedDocument,
    "\n  fragment CampaignDetail on Campaign {\n    id\n    name\n    channel\n    status\n    launchedAt\n    completedAt\n    stats {\n      total\n      queued\n      sending\n      deferred\n      sent\n      delivered\n      opened\n      clicked\n      replied\n      optedOut\n      bounced\n      failed\n      skipped\n      cancelled\n    }\n  }\n": types.CampaignDetailFragmentDoc,
    "\n  query CampaignList {\n    campaigns {\n      ...CampaignDetail\n    }\n  }\n": types.CampaignListDocument,
    "\n  query CampaignOne($id: ID!) {\n    campaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": types.CampaignOneDocument,
    "\n  subscription CampaignLive($id: ID!) {\n    campaignProgress(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": types.CampaignLiveDocument,
    "\n  mutation LaunchCampaignFromPage($id: ID!) {\n    launchCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": types.LaunchCampaignFromPageDocument,
    "\n  mutation PauseCampaignFromPage($id: ID!) {\n    pauseCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": types.PauseCampaignFromPageDocument,
    "\n  mutation ResumeCampaignFromPage($id: ID!) {\n    resumeCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n": types.ResumeCampaignFromPageDocument,
    "\n  fragment DashboardSections on Analytics {\n    range {\n      from\n      to\n    }\n    funnel {\n      step\n      count\n      stepConversion\n      overallConversion\n      medianDaysFromPrevious\n    }\n    velocity {\n      medianDaysLeadToContract\n      medianDaysLeadToClose\n      contracts\n      closed\n    }\n    stageDurations {\n      stage\n      entered\n      stillThere\n      medianDays\n      p75Days\n      p90Days\n    }\n    sourceRoi {\n      source\n      spend\n      leads\n      costPerLead\n      appointments\n      contracts\n      closedDeals\n      costPerDeal\n      revenue\n      roi\n    }\n    campaignPerformance {\n      campaignId\n      channel\n      sent\n      delivered\n      opened\n      clicked\n      replied\n      optedOut\n      bounced\n      deliveryRate\n      openRate\n      replyRate\n    }\n    team {\n      userId\n      user {\n        name\n      }\n      leadsAssigned\n      medianFirstResponseMinutes\n      dealsMoved\n      contracts\n      closedRevenue\n    }\n    revenue(bucket: MONTH) {\n      closedWon\n      revenue\n      series {\n        start\n        closedWon\n        revenue\n      }\n    }\n    forecast {\n      expectedValue\n      byMonth {\n        month\n        deals\n        expectedValue\n      }\n    }\n  }\n": types.DashboardSectionsFragmentDoc,
    "\n  query Dashboard($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {\n    analytics(range: $range, filter: $filter) {\n      ...DashboardSections\n    }\n    users {\n      id\n      name\n      role\n    }\n    campaigns {\n      id\n      name\n    }\n  }\n": types.DashboardDocument,
    "\n  subscription DashboardLive($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {\n    analyticsUpdated(range: $range, filter: $filter) {\n      ...DashboardSections\n    }\n  }\n": types.DashboardLiveDocument,
    "\n  fragment ImportSummary on Import {\n    id\n    jobId\n    kind\n    fileName\n    status\n    rowsTotal\n    rowsImported\n    rowsDuplicate\n    rowsInvalid\n    error\n    createdAt\n    errorReportUrl\n  }\n": types.ImportSummaryFragmentDoc,
    "\n  query ImportList {\n    imports(first: 10) {\n      ...ImportSummary\n    }\n  }\n": types.ImportListDocument,
    "\n  query ImportOne($id: ID!) {\n    import(id: $id) {\n      ...ImportSummary\n      unmappedColumns\n      issues(first: 50) {\n        id\n        rowNumber\n        kind\n        field\n        message\n      }\n    }\n  }\n": types.ImportOneDocument,
    "\n  mutation ImportLeadsFromPage($input: ImportLeadsInput!) {\n    importLeads(input: $input) {\n      ...ImportSummary\n    }\n  }\n": types.ImportLeadsFromPageDocument,
    "\n  mutation ImportPropertiesFromPage($input: ImportPropertiesInput!) {\n    importProperties(input: $input) {\n      ...ImportSummary\n    }\n  }\n": types.ImportPropertiesFromPageDocument,
    "\n  mutation ImportUploadUrl {\n    createUploadUrl {\n      uploadId\n      url\n      maxBytes\n    }\n  }\n": types.ImportUploadUrlDocument,
    "\n  subscription ImportJob($id: ID!) {\n    jobProgress(id: $id) {\n      progress\n      state\n      error\n    }\n  }\n": types.ImportJobDocument,
    "\n  query LeadPage($id: ID!) {\n    lead(id: $id) {\n      id\n      firstName\n      lastName\n      phone\n      email\n      status\n      source\n      motivation\n      score\n      assignedUser {\n        name\n      }\n      property {\n        addressLine\n        city\n        state\n        zip\n        estimatedValue\n      }\n      deals {\n        id\n        title\n        stage\n        contractPrice\n        offerAmount\n      }\n      activities(first: 30) {\n        id\n        type\n        direction\n        body\n        outcome\n        occurredAt\n        user {\n          name\n        }\n      }\n    }\n    conversation(leadId: $id, limit: 50) {\n      unreadCount\n      messages {\n        id\n        direction\n        channel\n        body\n        subject\n        status\n        at\n        sentBy {\n          name\n        }\n      }\n    }\n    tasks(filter: { leadId: $id, statuses: [OPEN] }, first: 20) {\n      edges {\n        node {\n          id\n          title\n          dueAt\n          type\n        }\n      }\n    }\n  }\n": types.LeadPageDocument,
    "\n  mutation ReplyBySms($leadId: ID!, $body: String!) {\n    sendLeadSms(leadId: $leadId, body: $body) {\n      id\n      status\n    }\n  }\n": types.ReplyBySmsDocument,
    "\n  subscription LeadInbound {\n    inboundMessageReceived {\n      id\n      leadId\n    }\n  }\n": types.LeadInboundDocument,
    "\n  fragment MyDayTask on Task {\n    id\n    title\n    type\n    priority\n    dueAt\n    allDay\n    lead {\n      id\n      firstName\n      lastName\n      phone\n    }\n  }\n  fragment MyDayLead on Lead {\n    id\n    firstName\n    lastName\n    source\n    phone\n    createdAt\n    lastInboundAt\n  }\n": types.MyDayTaskFragmentDoc,
    "\n  query MyDay {\n    myDay(limit: 25) {\n      date\n      counts {\n        todayTasks\n        overdueTasks\n        newLeads\n        awaitingReply\n        staleLeads\n      }\n      overdueTasks {\n        ...MyDayTask\n      }\n      todayTasks {\n        ...MyDayTask\n      }\n      newLeads {\n        ...MyDayLead\n      }\n      awaitingReply {\n        ...MyDayLead\n      }\n    }\n  }\n": types.MyDayDocument,
    "\n  mutation CompleteTaskWithOutcome($id: ID!, $input: CompleteTaskInput) {\n    completeTask(id: $id, input: $input) {\n      id\n      status\n    }\n  }\n": types.CompleteTaskWithOutcomeDocument,
    "\n  subscription MyDayChanged {\n    pipelineEvents {\n      type\n    }\n  }\n": types.MyDayChangedDocument,
    "\n  query UnreadCount {\n    unreadNotificationCount\n  }\n": types.UnreadCountDocument,
    "\n  query RecentNotifications {\n    notifications(first: 15) {\n      edges {\n        node {\n          id\n          kind\n          title\n          body\n          createdAt\n          readAt\n          lead {\n            id\n          }\n          deal {\n            id\n          }\n        }\n      }\n    }\n  }\n": types.RecentNotificationsDocument,
    "\n  subscription NotificationArrived {\n    notificationReceived {\n      id\n      title\n    }\n  }\n": types.NotificationArrivedDocument,
    "\n  mutation MarkAllNotificationsRead {\n    markNotificationsRead(all: true)\n  }\n": types.MarkAllNotificationsReadDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshSession($token: String!) {\n    refreshToken(token: $token) {\n      ...AuthFields\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshSession($token: String!) {\n    refreshToken(token: $token) {\n      ...AuthFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut($token: String!) {\n    logout(refreshToken: $token)\n  }\n"): (typeof documents)["\n  mutation SignOut($token: String!) {\n    logout(refreshToken: $token)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    refreshTokenExpiresAt\n    user {\n      id\n      name\n      email\n      role\n    }\n  }\n"): (typeof documents)["\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    refreshTokenExpiresAt\n    user {\n      id\n      name\n      email\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MoveDeal($id: ID!, $stage: DealStage!, $note: String) {\n    moveDeal(id: $id, stage: $stage, note: $note) {\n      ...BoardCard\n    }\n  }\n"): (typeof documents)["\n  mutation MoveDeal($id: ID!, $stage: DealStage!, $note: String) {\n    moveDeal(id: $id, stage: $stage, note: $note) {\n      ...BoardCard\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BoardCard on Deal {\n    id\n    title\n    stage\n    stageChangedAt\n    contractPrice\n    offerAmount\n    assignedUser {\n      id\n      name\n    }\n    lead {\n      id\n      firstName\n      lastName\n    }\n  }\n"): (typeof documents)["\n  fragment BoardCard on Deal {\n    id\n    title\n    stage\n    stageChangedAt\n    contractPrice\n    offerAmount\n    assignedUser {\n      id\n      name\n    }\n    lead {\n      id\n      firstName\n      lastName\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Board($first: Int!) {\n    pipeline {\n      stage\n      count\n      totalValue\n    }\n    newDeals: deals(first: $first, filter: { stages: [NEW] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    contacted: deals(first: $first, filter: { stages: [CONTACTED] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    appointmentSet: deals(first: $first, filter: { stages: [APPOINTMENT_SET] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    offerMade: deals(first: $first, filter: { stages: [OFFER_MADE] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    negotiation: deals(first: $first, filter: { stages: [NEGOTIATION] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    underContract: deals(first: $first, filter: { stages: [UNDER_CONTRACT] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    closedWon: deals(first: $first, filter: { stages: [CLOSED_WON] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    closedLost: deals(first: $first, filter: { stages: [CLOSED_LOST] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n  }\n  fragment BoardColumn on DealConnection {\n    edges {\n      node {\n        ...BoardCard\n      }\n    }\n  }\n"): (typeof documents)["\n  query Board($first: Int!) {\n    pipeline {\n      stage\n      count\n      totalValue\n    }\n    newDeals: deals(first: $first, filter: { stages: [NEW] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    contacted: deals(first: $first, filter: { stages: [CONTACTED] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    appointmentSet: deals(first: $first, filter: { stages: [APPOINTMENT_SET] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    offerMade: deals(first: $first, filter: { stages: [OFFER_MADE] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    negotiation: deals(first: $first, filter: { stages: [NEGOTIATION] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    underContract: deals(first: $first, filter: { stages: [UNDER_CONTRACT] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    closedWon: deals(first: $first, filter: { stages: [CLOSED_WON] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n    closedLost: deals(first: $first, filter: { stages: [CLOSED_LOST] }, orderBy: { field: STAGE_CHANGED_AT }) {\n      ...BoardColumn\n    }\n  }\n  fragment BoardColumn on DealConnection {\n    edges {\n      node {\n        ...BoardCard\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PipelineChanged {\n    pipelineEvents {\n      type\n      fromStage\n      toStage\n      deal {\n        ...BoardCard\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription PipelineChanged {\n    pipelineEvents {\n      type\n      fromStage\n      toStage\n      deal {\n        ...BoardCard\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CampaignDetail on Campaign {\n    id\n    name\n    channel\n    status\n    launchedAt\n    completedAt\n    stats {\n      total\n      queued\n      sending\n      deferred\n      sent\n      delivered\n      opened\n      clicked\n      replied\n      optedOut\n      bounced\n      failed\n      skipped\n      cancelled\n    }\n  }\n"): (typeof documents)["\n  fragment CampaignDetail on Campaign {\n    id\n    name\n    channel\n    status\n    launchedAt\n    completedAt\n    stats {\n      total\n      queued\n      sending\n      deferred\n      sent\n      delivered\n      opened\n      clicked\n      replied\n      optedOut\n      bounced\n      failed\n      skipped\n      cancelled\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignList {\n    campaigns {\n      ...CampaignDetail\n    }\n  }\n"): (typeof documents)["\n  query CampaignList {\n    campaigns {\n      ...CampaignDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignOne($id: ID!) {\n    campaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"): (typeof documents)["\n  query CampaignOne($id: ID!) {\n    campaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CampaignLive($id: ID!) {\n    campaignProgress(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"): (typeof documents)["\n  subscription CampaignLive($id: ID!) {\n    campaignProgress(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LaunchCampaignFromPage($id: ID!) {\n    launchCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"): (typeof documents)["\n  mutation LaunchCampaignFromPage($id: ID!) {\n    launchCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseCampaignFromPage($id: ID!) {\n    pauseCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"): (typeof documents)["\n  mutation PauseCampaignFromPage($id: ID!) {\n    pauseCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeCampaignFromPage($id: ID!) {\n    resumeCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeCampaignFromPage($id: ID!) {\n    resumeCampaign(id: $id) {\n      ...CampaignDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashboardSections on Analytics {\n    range {\n      from\n      to\n    }\n    funnel {\n      step\n      count\n      stepConversion\n      overallConversion\n      medianDaysFromPrevious\n    }\n    velocity {\n      medianDaysLeadToContract\n      medianDaysLeadToClose\n      contracts\n      closed\n    }\n    stageDurations {\n      stage\n      entered\n      stillThere\n      medianDays\n      p75Days\n      p90Days\n    }\n    sourceRoi {\n      source\n      spend\n      leads\n      costPerLead\n      appointments\n      contracts\n      closedDeals\n      costPerDeal\n      revenue\n      roi\n    }\n    campaignPerformance {\n      campaignId\n      channel\n      sent\n      delivered\n      opened\n      clicked\n      replied\n      optedOut\n      bounced\n      deliveryRate\n      openRate\n      replyRate\n    }\n    team {\n      userId\n      user {\n        name\n      }\n      leadsAssigned\n      medianFirstResponseMinutes\n      dealsMoved\n      contracts\n      closedRevenue\n    }\n    revenue(bucket: MONTH) {\n      closedWon\n      revenue\n      series {\n        start\n        closedWon\n        revenue\n      }\n    }\n    forecast {\n      expectedValue\n      byMonth {\n        month\n        deals\n        expectedValue\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment DashboardSections on Analytics {\n    range {\n      from\n      to\n    }\n    funnel {\n      step\n      count\n      stepConversion\n      overallConversion\n      medianDaysFromPrevious\n    }\n    velocity {\n      medianDaysLeadToContract\n      medianDaysLeadToClose\n      contracts\n      closed\n    }\n    stageDurations {\n      stage\n      entered\n      stillThere\n      medianDays\n      p75Days\n      p90Days\n    }\n    sourceRoi {\n      source\n      spend\n      leads\n      costPerLead\n      appointments\n      contracts\n      closedDeals\n      costPerDeal\n      revenue\n      roi\n    }\n    campaignPerformance {\n      campaignId\n      channel\n      sent\n      delivered\n      opened\n      clicked\n      replied\n      optedOut\n      bounced\n      deliveryRate\n      openRate\n      replyRate\n    }\n    team {\n      userId\n      user {\n        name\n      }\n      leadsAssigned\n      medianFirstResponseMinutes\n      dealsMoved\n      contracts\n      closedRevenue\n    }\n    revenue(bucket: MONTH) {\n      closedWon\n      revenue\n      series {\n        start\n        closedWon\n        revenue\n      }\n    }\n    forecast {\n      expectedValue\n      byMonth {\n        month\n        deals\n        expectedValue\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dashboard($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {\n    analytics(range: $range, filter: $filter) {\n      ...DashboardSections\n    }\n    users {\n      id\n      name\n      role\n    }\n    campaigns {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query Dashboard($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {\n    analytics(range: $range, filter: $filter) {\n      ...DashboardSections\n    }\n    users {\n      id\n      name\n      role\n    }\n    campaigns {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardLive($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {\n    analyticsUpdated(range: $range, filter: $filter) {\n      ...DashboardSections\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardLive($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {\n    analyticsUpdated(range: $range, filter: $filter) {\n      ...DashboardSections\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ImportSummary on Import {\n    id\n    jobId\n    kind\n    fileName\n    status\n    rowsTotal\n    rowsImported\n    rowsDuplicate\n    rowsInvalid\n    error\n    createdAt\n    errorReportUrl\n  }\n"): (typeof documents)["\n  fragment ImportSummary on Import {\n    id\n    jobId\n    kind\n    fileName\n    status\n    rowsTotal\n    rowsImported\n    rowsDuplicate\n    rowsInvalid\n    error\n    createdAt\n    errorReportUrl\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportList {\n    imports(first: 10) {\n      ...ImportSummary\n    }\n  }\n"): (typeof documents)["\n  query ImportList {\n    imports(first: 10) {\n      ...ImportSummary\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportOne($id: ID!) {\n    import(id: $id) {\n      ...ImportSummary\n      unmappedColumns\n      issues(first: 50) {\n        id\n        rowNumber\n        kind\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query ImportOne($id: ID!) {\n    import(id: $id) {\n      ...ImportSummary\n      unmappedColumns\n      issues(first: 50) {\n        id\n        rowNumber\n        kind\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportLeadsFromPage($input: ImportLeadsInput!) {\n    importLeads(input: $input) {\n      ...ImportSummary\n    }\n  }\n"): (typeof documents)["\n  mutation ImportLeadsFromPage($input: ImportLeadsInput!) {\n    importLeads(input: $input) {\n      ...ImportSummary\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportPropertiesFromPage($input: ImportPropertiesInput!) {\n    importProperties(input: $input) {\n      ...ImportSummary\n    }\n  }\n"): (typeof documents)["\n  mutation ImportPropertiesFromPage($input: ImportPropertiesInput!) {\n    importProperties(input: $input) {\n      ...ImportSummary\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportUploadUrl {\n    createUploadUrl {\n      uploadId\n      url\n      maxBytes\n    }\n  }\n"): (typeof documents)["\n  mutation ImportUploadUrl {\n    createUploadUrl {\n      uploadId\n      url\n      maxBytes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ImportJob($id: ID!) {\n    jobProgress(id: $id) {\n      progress\n      state\n      error\n    }\n  }\n"): (typeof documents)["\n  subscription ImportJob($id: ID!) {\n    jobProgress(id: $id) {\n      progress\n      state\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LeadPage($id: ID!) {\n    lead(id: $id) {\n      id\n      firstName\n      lastName\n      phone\n      email\n      status\n      source\n      motivation\n      score\n      assignedUser {\n        name\n      }\n      property {\n        addressLine\n        city\n        state\n        zip\n        estimatedValue\n      }\n      deals {\n        id\n        title\n        stage\n        contractPrice\n        offerAmount\n      }\n      activities(first: 30) {\n        id\n        type\n        direction\n        body\n        outcome\n        occurredAt\n        user {\n          name\n        }\n      }\n    }\n    conversation(leadId: $id, limit: 50) {\n      unreadCount\n      messages {\n        id\n        direction\n        channel\n        body\n        subject\n        status\n        at\n        sentBy {\n          name\n        }\n      }\n    }\n    tasks(filter: { leadId: $id, statuses: [OPEN] }, first: 20) {\n      edges {\n        node {\n          id\n          title\n          dueAt\n          type\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query LeadPage($id: ID!) {\n    lead(id: $id) {\n      id\n      firstName\n      lastName\n      phone\n      email\n      status\n      source\n      motivation\n      score\n      assignedUser {\n        name\n      }\n      property {\n        addressLine\n        city\n        state\n        zip\n        estimatedValue\n      }\n      deals {\n        id\n        title\n        stage\n        contractPrice\n        offerAmount\n      }\n      activities(first: 30) {\n        id\n        type\n        direction\n        body\n        outcome\n        occurredAt\n        user {\n          name\n        }\n      }\n    }\n    conversation(leadId: $id, limit: 50) {\n      unreadCount\n      messages {\n        id\n        direction\n        channel\n        body\n        subject\n        status\n        at\n        sentBy {\n          name\n        }\n      }\n    }\n    tasks(filter: { leadId: $id, statuses: [OPEN] }, first: 20) {\n      edges {\n        node {\n          id\n          title\n          dueAt\n          type\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplyBySms($leadId: ID!, $body: String!) {\n    sendLeadSms(leadId: $leadId, body: $body) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ReplyBySms($leadId: ID!, $body: String!) {\n    sendLeadSms(leadId: $leadId, body: $body) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LeadInbound {\n    inboundMessageReceived {\n      id\n      leadId\n    }\n  }\n"): (typeof documents)["\n  subscription LeadInbound {\n    inboundMessageReceived {\n      id\n      leadId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MyDayTask on Task {\n    id\n    title\n    type\n    priority\n    dueAt\n    allDay\n    lead {\n      id\n      firstName\n      lastName\n      phone\n    }\n  }\n  fragment MyDayLead on Lead {\n    id\n    firstName\n    lastName\n    source\n    phone\n    createdAt\n    lastInboundAt\n  }\n"): (typeof documents)["\n  fragment MyDayTask on Task {\n    id\n    title\n    type\n    priority\n    dueAt\n    allDay\n    lead {\n      id\n      firstName\n      lastName\n      phone\n    }\n  }\n  fragment MyDayLead on Lead {\n    id\n    firstName\n    lastName\n    source\n    phone\n    createdAt\n    lastInboundAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyDay {\n    myDay(limit: 25) {\n      date\n      counts {\n        todayTasks\n        overdueTasks\n        newLeads\n        awaitingReply\n        staleLeads\n      }\n      overdueTasks {\n        ...MyDayTask\n      }\n      todayTasks {\n        ...MyDayTask\n      }\n      newLeads {\n        ...MyDayLead\n      }\n      awaitingReply {\n        ...MyDayLead\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyDay {\n    myDay(limit: 25) {\n      date\n      counts {\n        todayTasks\n        overdueTasks\n        newLeads\n        awaitingReply\n        staleLeads\n      }\n      overdueTasks {\n        ...MyDayTask\n      }\n      todayTasks {\n        ...MyDayTask\n      }\n      newLeads {\n        ...MyDayLead\n      }\n      awaitingReply {\n        ...MyDayLead\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteTaskWithOutcome($id: ID!, $input: CompleteTaskInput) {\n    completeTask(id: $id, input: $input) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteTaskWithOutcome($id: ID!, $input: CompleteTaskInput) {\n    completeTask(id: $id, input: $input) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MyDayChanged {\n    pipelineEvents {\n      type\n    }\n  }\n"): (typeof documents)["\n  subscription MyDayChanged {\n    pipelineEvents {\n      type\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnreadCount {\n    unreadNotificationCount\n  }\n"): (typeof documents)["\n  query UnreadCount {\n    unreadNotificationCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentNotifications {\n    notifications(first: 15) {\n      edges {\n        node {\n          id\n          kind\n          title\n          body\n          createdAt\n          readAt\n          lead {\n            id\n          }\n          deal {\n            id\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RecentNotifications {\n    notifications(first: 15) {\n      edges {\n        node {\n          id\n          kind\n          title\n          body\n          createdAt\n          readAt\n          lead {\n            id\n          }\n          deal {\n            id\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NotificationArrived {\n    notificationReceived {\n      id\n      title\n    }\n  }\n"): (typeof documents)["\n  subscription NotificationArrived {\n    notificationReceived {\n      id\n      title\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkAllNotificationsRead {\n    markNotificationsRead(all: true)\n  }\n"): (typeof documents)["\n  mutation MarkAllNotificationsRead {\n    markNotificationsRead(all: true)\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;