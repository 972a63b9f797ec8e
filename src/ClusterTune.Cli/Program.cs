// Entry point of ClusterTune.Cli; the commands are added by the issue that builds this program.
Console.Error.WriteLine("ClusterTune.Cli: no command given");
return 2;
