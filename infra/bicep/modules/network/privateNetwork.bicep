metadata description = 'Optional private networking of the pipeline storage account: a virtual network with a subnet for the function app (Flex Consumption VNet integration) and one for private endpoints, private endpoints for the account\'s blob, queue and table services, and their private DNS zones linked to the network.'

@description('Required. Azure region of the network and the private endpoints.')
param location string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Name of the virtual network.')
param virtualNetworkName string

@description('Required. Address space of the virtual network (a /16 to /22): the first /24 holds the function app, the second the private endpoints.')
param addressPrefix string

@description('Required. Name of the subnet the function app integrates with (delegated to Microsoft.App/environments, as Flex Consumption requires).')
param functionSubnetName string

@description('Required. Name of the subnet that holds the private endpoints.')
param privateEndpointSubnetName string

@description('Required. Name of the pipeline storage account the private endpoints lead to.')
param storageAccountName string

// The services the function app reaches: blobs (pipeline containers, deployment package, Durable leases),
// queues (Durable control and work items, the blob trigger's queue) and tables (ledger, Durable history).
var storageServices = [
  'blob'
  'queue'
  'table'
]

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: virtualNetworkName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: functionSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }

  resource privateEndpointSubnet 'subnets' existing = {
    name: privateEndpointSubnetName
  }
}

resource dnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for service in storageServices: {
    name: 'privatelink.${service}.${environment().suffixes.storage}'
    location: 'global'
    tags: tags
  }
]

resource dnsZoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (service, i) in storageServices: {
    parent: dnsZones[i]
    name: '${virtualNetworkName}-${service}'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: virtualNetwork.id
      }
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for service in storageServices: {
    name: 'pe-${storageAccountName}-${service}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: virtualNetwork::privateEndpointSubnet.id
      }
      privateLinkServiceConnections: [
        {
          name: service
          properties: {
            privateLinkServiceId: storageAccount.id
            groupIds: [
              service
            ]
          }
        }
      ]
    }
  }
]

resource privateEndpointDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (service, i) in storageServices: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: service
          properties: {
            privateDnsZoneId: dnsZones[i].id
          }
        }
      ]
    }
  }
]

@description('Resource id of the virtual network.')
output virtualNetworkId string = virtualNetwork.id
