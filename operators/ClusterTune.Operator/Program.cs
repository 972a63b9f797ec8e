// Entry point of ClusterTune.Operator; the commands are added by the issue that builds this program.
Console.Error.WriteLine("ClusterTune.Operator: no command given");
return 2;
